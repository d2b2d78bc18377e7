"""Themes: named groupings of codebook codes (and accepted topic candidates).

Descriptive themes group codes; analytical themes (Thomas and Harden 2008) go beyond the
primary studies and usually gather descriptive themes as their children. A theme never
stores excerpts: ``evidence()`` recomputes them every time from the ACCEPTED codings of the
theme's codes, the members of the topics it was accepted from, and the evidence of its child
themes, so re-coding changes every theme at once and nothing goes stale.

Every change is one transaction with one event in the project's log.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import compress
from operator import itemgetter

from thematic import lookup
from thematic.errors import ThematicError, nearest
from thematic.store import themes as db
from thematic.store.db import Store
from thematic.store.themes import Theme

LEVELS = ("descriptive", "analytical")

__all__ = ["Evidence", "Theme", "accept", "add_theme", "edit", "evidence", "evidence_all",
           "get_theme",
           "list_themes", "merge", "remove", "rename", "slugify", "split"]


@dataclass
class Evidence:
    theme_id: str
    excerpts: list[str]                      # excerpt ids, import order
    studies: list[str]                       # source ids, in study-list order
    by_code: dict[str, list[str]]            # code id → excerpt ids (import order)
    topic_members: list[str]                 # excerpt ids from accepted topics
    children: list[str] = field(default_factory=list)   # descendant themes included
    # topic members HDBSCAN left as outliers and reduce_outliers reassigned: counted (and in
    # topic_members) only when the evidence policy says so, else listed here as left out
    reassigned: list[str] = field(default_factory=list)
    reassigned_left_out: list[str] = field(default_factory=list)


def slugify(name: str) -> str:
    """'Mutual identification & trust' → 'mutual-identification-trust'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or "theme"


# --- reading --------------------------------------------------------------------------------

def list_themes(store: Store) -> list[Theme]:
    """Every theme, ordered by position."""
    return db.list_themes(store)


def get_theme(store: Store, theme_id: str) -> Theme:
    """One theme by id (or by its exact name, ignoring case); E250 when there is none."""
    return lookup.theme(store, theme_id)


def evidence(store: Store, theme_id: str, *, coders: list[str] | None = None,
             reassigned: bool | None = None) -> Evidence:
    """The theme's evidence, recomputed from accepted codings and accepted topics.

    ``coders``: whose accepted codings count; ``reassigned``: whether topic members
    reassigned from the outliers count (default for both: the evidence policy in force,
    thematic.evidence.resolve)."""
    from thematic.evidence import REASSIGNED, resolve

    theme = get_theme(store, theme_id)
    if coders is None:
        coders = resolve(store).coders
    if reassigned is None:
        reassigned = store.get_meta(REASSIGNED) == "count"
    everything = {t.id: t for t in db.list_themes(store)}

    def codings(member: Theme, book: str) -> list[tuple[str, str, str, int]]:
        return db.accepted_codings(store, book, _expand_groups(store, book, member.codes),
                                   coders)

    return _evidence(store, theme, everything, codings, reassigned)


def evidence_all(store: Store, *, coders: list[str] | None = None,
                 reassigned: bool | None = None) -> dict[str, Evidence]:
    """``evidence`` of every theme (by id, in theme order), the accepted codings read by one
    query for all of them rather than one per theme and descendant (bulk readers: the
    report, the theme network)."""
    key = evidence_key(store, coders, reassigned)
    # kept while the data stays the same: a report reads it for its sections and for its
    # theme network, and the audit again for its checks and its re-render
    found = store.memo(key, lambda: _evidence_all(store, list(key[1]), key[2]))
    return dict(found)


def evidence_key(store: Store, coders: list[str] | None = None,
                 reassigned: bool | None = None) -> tuple:
    """The key ``evidence_all`` keeps its result under in ``Store.memo`` (None: the evidence
    policy in force), for a reader that supplies it (``Store.supply``)."""
    from thematic.evidence import REASSIGNED, resolve

    if coders is None:
        coders = resolve(store).coders
    if reassigned is None:
        reassigned = store.get_meta(REASSIGNED) == "count"
    return ("themes.evidence_all", tuple(coders), reassigned)


def _evidence_all(store: Store, coders: list[str], reassigned: bool) -> dict[str, Evidence]:
    everything = {t.id: t for t in db.list_themes(store)}
    expanded: dict[str, set[str]] = {}
    wanted: dict[str, set[str]] = {}
    for t in everything.values():
        if t.codebook and t.codes:
            expanded[t.id] = set(_expand_groups(store, t.codebook, t.codes))
            wanted.setdefault(t.codebook, set()).update(expanded[t.id])
    by_book = db.accepted_codings_by_book(store, wanted, coders)
    code_of = {book: list(map(itemgetter(1), rows)) for book, rows in by_book.items()}

    def codings(member: Theme, book: str) -> list[tuple[str, str, str, int]]:
        # the book's rows whose code the theme keeps, in their order, selected in C (10
        # themes × 250k rows at 100k excerpts)
        return list(compress(by_book.get(book, ()),
                             map(expanded[member.id].__contains__, code_of.get(book, ()))))

    return {t.id: _evidence(store, t, everything, codings, reassigned)
            for t in everything.values()}


def _evidence(store: Store, theme: Theme, everything: dict[str, Theme],
              codings: Callable[[Theme, str], list[tuple[str, str, str, int]]],
              reassigned: bool) -> Evidence:
    family = [theme] + [everything[i] for i in _descendants(everything, theme.id)]
    # dicts keep first-seen order and test membership in O(1) (a list made this quadratic)
    by_code: dict[str, dict[str, None]] = {}
    positions: dict[str, int] = {}
    sources: dict[str, str] = {}
    for member in family:
        if not member.codebook or not member.codes:
            continue
        rows = codings(member, member.codebook)
        ids = list(map(itemgetter(0), rows))
        # the same first-seen order as one loop over the rows, the two maps filled in C
        positions.update(zip(ids, map(itemgetter(3), rows)))
        sources.update(zip(ids, map(itemgetter(2), rows)))
        for excerpt, code in zip(ids, map(itemgetter(1), rows)):
            by_code.setdefault(code, {})[excerpt] = None
    pairs = [pair for member in family for pair in member.topics]
    topic_members, moved, left_out = [], [], []
    for excerpt, source, pos, was_outlier in db.topic_members(store, pairs):
        if was_outlier and not reassigned:
            left_out.append(excerpt)
            continue
        if was_outlier:
            moved.append(excerpt)
        topic_members.append(excerpt)
        positions[excerpt], sources[excerpt] = pos, source
    ordered = {code: sorted(ids, key=positions.__getitem__) for code, ids in by_code.items()}
    excerpts = sorted(positions, key=positions.__getitem__)
    return Evidence(theme_id=theme.id, excerpts=excerpts,
                    studies=db.source_order(store, set(sources.values())),
                    by_code=dict(sorted(ordered.items())), topic_members=topic_members,
                    children=[m.id for m in family[1:]], reassigned=moved,
                    reassigned_left_out=[e for e in left_out if e not in positions])


def _descendants(everything: dict[str, Theme], theme_id: str) -> list[str]:
    out, todo = [], [theme_id]
    while todo:
        current = todo.pop(0)
        for t in everything.values():
            if t.parent_id == current and t.id not in out and t.id != theme_id:
                out.append(t.id)
                todo.append(t.id)
    return out


def _expand_groups(store: Store, codebook: str, codes: list[str]) -> list[str]:
    """A grouping code (not codable) stands for the codes beneath it."""
    from thematic.store.codebooks import get_codebook

    book = get_codebook(store, codebook)
    if book is None:
        return list(codes)
    children: dict[str, list[str]] = {}
    for c in book.codes:
        if c.parent:
            children.setdefault(c.parent, []).append(c.id)
    out, todo = [], list(codes)
    while todo:
        code = todo.pop(0)
        if code not in out:
            out.append(code)
            todo.extend(children.get(code, []))
    return out


# --- validation -----------------------------------------------------------------------------

def _codebook(store: Store, name: str | None, codes: list[str]):
    from thematic.store.codebooks import list_codebooks

    if not list_codebooks(store):
        raise ThematicError("E261", codes=", ".join(codes) or "-")
    return lookup.codebook(store, name)


def _check_codes(store: Store, codes: list[str], codebook: str | None) -> tuple[list[str], str]:
    book = _codebook(store, codebook, codes)
    known = book.by_id
    clean: list[str] = []
    for code in codes:
        code = code.strip()
        if not code:
            continue
        if code not in known:
            raise ThematicError("E253", value=code, codebook=book.name,
                                suggest=nearest(code, list(known)))
        if code not in clean:
            clean.append(code)
    return clean, book.name


def _check_name(store: Store, name: str, *, ignore: str | None = None) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise ThematicError("E257", option="NAME", problem="a theme needs a non-empty name.")
    for existing, theme_id in db.theme_names(store).items():
        if existing.casefold() == name.casefold() and theme_id != ignore:
            raise ThematicError("E256", value=name, theme=theme_id)
    return name


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ThematicError("E257", option="--level",
                            problem=f"{level!r} is not a level; use one of {', '.join(LEVELS)}.")
    return level


def _check_parent(store: Store, parent: str | None, child: str | None = None) -> str | None:
    if parent is None:
        return None
    found = get_theme(store, parent).id
    if child is not None:
        everything = {t.id: t for t in db.list_themes(store)}
        if found == child:
            raise ThematicError("E258", value=child, parent=found, why="a theme cannot be its "
                                "own parent")
        if found in _descendants(everything, child):
            raise ThematicError("E258", value=child, parent=found,
                                why=f"{found!r} is already beneath {child!r}")
    return found


def _new_id(store: Store, name: str) -> str:
    base = slugify(name)
    taken = set(db.theme_ids(store))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _payload(theme: Theme) -> dict:
    data = asdict(theme)
    data.pop("created_at", None)
    return data


# --- changing -------------------------------------------------------------------------------

def add_theme(store: Store, name: str, codes: list[str], *, description: str = "",
              level: str = "descriptive", parent: str | None = None,
              codebook: str | None = None) -> Theme:
    """A theme grouping ``codes`` (ids in ``codebook``, default: the current codebook)."""
    with store.transaction(f"theme add {name}"):
        theme = _build(store, name, codes, description=description, level=level,
                       parent=parent, codebook=codebook)
        db.insert_theme(store, theme)
        store.log("theme add", theme.id, _payload(theme))
    return get_theme(store, theme.id)


def _build(store: Store, name: str, codes: list[str], *, description: str, level: str,
           parent: str | None, codebook: str | None, topics: tuple = ()) -> Theme:
    name = _check_name(store, name)
    level = _check_level(level)
    parent_id = _check_parent(store, parent)
    book = None
    if codes or codebook:
        codes, book = _check_codes(store, list(codes), codebook)
    run_id, topic = topics[0] if topics else (None, None)
    return Theme(id=_new_id(store, name), name=name, description=description.strip(),
                 level=level, parent_id=parent_id, codes=list(codes), codebook=book,
                 run_id=run_id, topic=topic, position=db.next_position(store),
                 topics=list(topics))


def accept(store: Store, topic: int, *, run: int | None = None, name: str | None = None,
           codes: list[str] | None = None, description: str = "", level: str = "descriptive",
           parent: str | None = None, codebook: str | None = None) -> Theme:
    """Make a topic candidate a theme. Its members become evidence; its codes are ``codes``,
    else the codes its suggested label was built from."""
    from thematic.store import topics as tdb

    run_id = lookup.topic_run(store, run)
    candidate = tdb.get_candidate(store, run_id, topic)
    if candidate is None or topic < 0:
        known = [str(c.topic) for c in tdb.list_candidates(store, run_id, outliers=False)]
        hint = f" Topics of run {run_id}: {', '.join(known) or 'none'}." if known else ""
        raise ThematicError("E251", value=topic, run=run_id, suggest=hint)
    for existing in db.list_themes(store):
        if (run_id, topic) in existing.topics:
            raise ThematicError("E260", topic=topic, run=run_id, theme=existing.id)
    if codes is None:
        codes = list(candidate.data.get("suggested_codes", []))
        codebook = codebook or candidate.data.get("codebook")
        if codes and codebook is None:
            codes = []
    with store.transaction(f"theme accept {topic}"):
        theme = _build(store, name or candidate.label, codes, description=description,
                       level=level, parent=parent, codebook=codebook,
                       topics=((run_id, topic),))
        db.insert_theme(store, theme)
        store.log("theme accept", theme.id, {**_payload(theme), "keywords":
                                             [w for w, _ in candidate.keywords[:10]]})
    return get_theme(store, theme.id)


def rename(store: Store, theme_id: str, name: str) -> Theme:
    """A new name; the id (and so every anchor and reference) stays."""
    theme = get_theme(store, theme_id)
    with store.transaction(f"theme rename {theme.id}"):
        new = _check_name(store, name, ignore=theme.id)
        db.update_theme(store, theme.id, name=new)
        store.log("theme rename", theme.id, {"from": theme.name, "to": new})
    return get_theme(store, theme.id)


def edit(store: Store, theme_id: str, *, description: str | None = None,
         level: str | None = None, parent: str | None = None, clear_parent: bool = False,
         add_codes: list[str] | None = None, remove_codes: list[str] | None = None) -> Theme:
    """Change a theme's description, level, parent or codes."""
    theme = get_theme(store, theme_id)
    with store.transaction(f"theme edit {theme.id}"):
        changes: dict[str, object] = {}
        if description is not None:
            changes["description"] = description.strip()
        if level is not None:
            changes["level"] = _check_level(level)
        if clear_parent:
            changes["parent_id"] = None
        elif parent is not None:
            changes["parent_id"] = _check_parent(store, parent, theme.id)
        if changes:
            db.update_theme(store, theme.id, **changes)
        if add_codes:
            codes, book = _check_codes(store, add_codes, theme.codebook)
            db.add_codes(store, theme.id, book, codes)
            changes["add_codes"] = codes
        if remove_codes:
            missing = [c for c in remove_codes if c not in theme.codes]
            if missing:
                raise ThematicError("E253", value=missing[0], codebook=theme.codebook or "-",
                                    suggest=nearest(missing[0], theme.codes))
            db.remove_codes(store, theme.id, remove_codes)
            changes["remove_codes"] = list(remove_codes)
        store.log("theme edit", theme.id, changes)
    return get_theme(store, theme.id)


def merge(store: Store, themes: list[str] | str, into: str, *,
          name: str | None = None) -> Theme:
    """Fold ``themes`` into ``into``: their codes, topics and child themes move over, then
    they are removed."""
    target = get_theme(store, into)
    sources: list[Theme] = []
    for theme_id in [themes] if isinstance(themes, str) else themes:
        found = get_theme(store, theme_id)
        if found.id == target.id:
            raise ThematicError("E255", value=found.id)
        if found.id not in {s.id for s in sources}:
            sources.append(found)
    if not sources:
        raise ThematicError("E257", option="THEMES", problem="name at least one theme to merge.")
    with store.transaction(f"theme merge {' '.join(s.id for s in sources)} {target.id}"):
        codebook = target.codebook
        for source in sources:
            if source.codes:
                if codebook and source.codebook != codebook:
                    raise ThematicError(
                        "E257", option="THEMES", problem=f"theme {source.id!r} uses codebook "
                        f"{source.codebook!r} but {target.id!r} uses {codebook!r}.")
                codebook = source.codebook
                db.add_codes(store, target.id, codebook, source.codes)
            for run_id, topic in source.topics:
                db.add_topic(store, target.id, run_id, topic)
            if target.run_id is None and source.run_id is not None:
                db.update_theme(store, target.id, run_id=source.run_id, topic=source.topic)
            if target.parent_id == source.id:
                db.update_theme(store, target.id, parent_id=source.parent_id)
            db.reparent(store, source.id, target.id)
            db.unparent_self(store, target.id)
            if not target.description and source.description:
                db.update_theme(store, target.id, description=source.description)
            db.delete_theme(store, source.id)
        if name:
            db.update_theme(store, target.id, name=_check_name(store, name, ignore=target.id))
        store.log("theme merge", target.id, {"merged": [_payload(s) for s in sources],
                                             "into": target.id, "name": name})
    return get_theme(store, target.id)


def split(store: Store, theme_id: str, parts: list[tuple[str, list[str]]]) -> list[Theme]:
    """New themes from parts of a theme's codes (``[(name, codes), ...]``). The codes move
    out of the theme; a theme left with no codes and no topics is removed."""
    theme = get_theme(store, theme_id)
    codes = ", ".join(theme.codes) or "none"
    if not parts:
        raise ThematicError("E259", theme=theme.id, problem="no parts were given", codes=codes)
    seen: dict[str, str] = {}
    for part_name, part_codes in parts:
        if not part_codes:
            raise ThematicError("E259", theme=theme.id, codes=codes,
                                problem=f"part {part_name!r} has no codes")
        for code in part_codes:
            if code not in theme.codes:
                raise ThematicError("E259", theme=theme.id, codes=codes,
                                    problem=f"{code!r} is not one of its codes"
                                    + nearest(code, theme.codes))
            if code in seen:
                raise ThematicError("E259", theme=theme.id, codes=codes,
                                    problem=f"{code!r} is in two parts ({seen[code]!r} and "
                                    f"{part_name!r})")
            seen[code] = part_name
    created: list[str] = []
    with store.transaction(f"theme split {theme.id}"):
        for part_name, part_codes in parts:
            new = _build(store, part_name, part_codes, description="", level=theme.level,
                         parent=theme.parent_id, codebook=theme.codebook)
            db.insert_theme(store, new)
            created.append(new.id)
        db.remove_codes(store, theme.id, list(seen))
        removed = len(seen) == len(theme.codes) and not theme.topics
        if removed:
            db.reparent(store, theme.id, theme.parent_id)
            db.delete_theme(store, theme.id)
        store.log("theme split", theme.id, {"parts": [[n, c] for n, c in parts],
                                            "created": created, "removed": removed})
    return [get_theme(store, i) for i in created]


def remove(store: Store, theme_id: str) -> Theme:
    """Delete a theme (never its codings); its child themes move up to its parent."""
    theme = get_theme(store, theme_id)
    with store.transaction(f"theme remove {theme.id}"):
        moved = db.reparent(store, theme.id, theme.parent_id)
        db.delete_theme(store, theme.id)
        store.log("theme remove", theme.id, {**_payload(theme), "children_moved": moved})
    return theme
