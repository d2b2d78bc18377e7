"""The trace model: the ``Chain`` dataclasses and how ``chain`` builds them from the
store, with the wording every renderer shares (see the package docstring, trace/__init__.py;
the renderers are trace/text.py, trace/markdown.py and ``to_json``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from thematic.errors import ThematicError, nearest
from thematic.store import audit as db
from thematic.store.codings import Status
from thematic.store.db import Store


@dataclass
class ThemeRef:
    id: str
    name: str


@dataclass
class SourceNode:
    id: str
    citation: str
    title: str | None = None
    file: str | None = None          # the studies sheet it came from
    location: str | None = None      # its row there


@dataclass
class CodingNode:
    id: int
    codebook: str | None
    codebook_version: str | None
    current_version: bool
    code_id: str
    code_name: str | None
    coder: str
    status: str
    method: str
    rule: str | None                 # what fired, or the file:row it was imported from
    score: float | None = None
    start: int | None = None
    end: int | None = None
    themes: list[ThemeRef] = field(default_factory=list)


@dataclass
class Support:
    """Why an excerpt is evidence for a theme: an accepted coding or a topic membership."""
    theme: ThemeRef
    via: str                         # coding | topic
    coding: int | None = None        # the coding's id
    code: str | None = None          # its code
    coder: str | None = None
    run: int | None = None           # the topic candidate the theme was accepted from
    topic: int | None = None
    label: str | None = None         # the candidate's label
    through: str | None = None       # the sub-theme it reaches the theme through
    reassigned: bool = False         # a member HDBSCAN left as an outlier, then reassigned


@dataclass
class ExcerptNode:
    id: str
    text: str
    file: str | None
    location: str
    start: int
    end: int
    source: SourceNode
    codings: list[CodingNode] = field(default_factory=list)
    supports: list[Support] = field(default_factory=list)    # excerpt chains only
    not_evidence: dict[int, str] = field(default_factory=dict)  # coding id → why not
    # memberships of accepted topics the evidence policy does not count (reassigned ones)
    not_evidence_topics: list[Support] = field(default_factory=list)


@dataclass
class CodeNode:
    id: str
    codebook: str
    name: str | None
    definition: str = ""
    via: str | None = None           # the grouping code the theme lists, when not itself
    themes: list[ThemeRef] = field(default_factory=list)
    studies: list[str] = field(default_factory=list)
    excerpts: list[ExcerptNode] = field(default_factory=list)


@dataclass
class TopicNode:
    run: int
    topic: int
    excerpts: list[ExcerptNode] = field(default_factory=list)
    # members HDBSCAN left as outliers and BERTopic reassigned: in ``excerpts`` (marked)
    # when the evidence policy counts them, else only here
    reassigned: list[str] = field(default_factory=list)
    counted: bool = False            # does the evidence policy count the reassigned ones


@dataclass
class ThemeNode:
    id: str
    name: str
    level: str
    description: str
    codebook: str | None
    parent: ThemeRef | None
    studies: list[str]               # evidence, the theme's sub-themes included
    evidence: list[str]              # excerpt ids, import order
    codes: list[CodeNode] = field(default_factory=list)
    topics: list[TopicNode] = field(default_factory=list)
    children: list[ThemeNode] = field(default_factory=list)


@dataclass
class Chain:
    kind: str                        # theme | code | excerpt
    id: str
    theme: ThemeNode | None = None
    code: CodeNode | None = None
    excerpt: ExcerptNode | None = None


# --- which themes a code supports ----------------------------------------------------------

def code_themes(store: Store, themes: list | None = None) -> dict[tuple[str, str], list[str]]:
    """(codebook, code id) → the themes it supports: listed directly, beneath a grouping
    code the theme lists, or through a sub-theme (the same reach as themes.evidence)."""
    from thematic.store.codebooks import get_codebook
    from thematic.themes import list_themes

    themes = list_themes(store) if themes is None else themes
    by_id = {t.id: t for t in themes}
    children = {name: children_of(get_codebook(store, name))
                for name in {t.codebook for t in themes if t.codebook}}
    out: dict[tuple[str, str], list[str]] = {}
    for t in themes:
        if not t.codebook:
            continue
        supported = [t.id]
        parent = t.parent_id
        while parent in by_id and parent not in supported:
            supported.append(parent)
            parent = by_id[parent].parent_id
        for code, _ in expand(children[t.codebook], t.codes):
            for theme_id in supported:
                found = out.setdefault((t.codebook, code), [])
                if theme_id not in found:
                    found.append(theme_id)
    order = {t.id: i for i, t in enumerate(themes)}
    return {k: sorted(v, key=order.__getitem__) for k, v in out.items()}


def children_of(book) -> dict[str, list[str]]:
    """code id → the ids of the codes directly beneath it in a codebook (None: empty)."""
    out: dict[str, list[str]] = {}
    for c in book.codes if book else []:
        if c.parent:
            out.setdefault(c.parent, []).append(c.id)
    return out


def expand(children: dict[str, list[str]], codes: list[str]) -> list[tuple[str, str | None]]:
    """(code, the listed grouping code it came through or None) for codes and their
    descendants, listed codes first."""
    out: dict[str, str | None] = {}
    todo: list[tuple[str, str | None]] = [(c, None) for c in codes]
    while todo:
        code, via = todo.pop(0)
        if code not in out:
            out[code] = via
            todo.extend((child, via or code) for child in children.get(code, []))
    return list(out.items())


# --- resolving an id ------------------------------------------------------------------------

def chain(store: Store, ident: str) -> Chain:
    """The chain for a theme, a code (``CODE`` or ``CODEBOOK:CODE``) or an excerpt."""
    from thematic.store.corpus import all_excerpt_ids, get_excerpt
    from thematic.themes import get_theme

    ident = str(ident).strip()
    try:
        theme = get_theme(store, ident)
    except ThematicError:
        theme = None
    if theme is not None:
        return Chain("theme", theme.id, theme=_theme_node(store, theme, _Context(store)))
    found = _resolve_code(store, ident)
    if found is not None:
        book, code = found
        return Chain("code", f"{book}:{code}", code=_code_node(store, book, code,
                                                               _Context(store)))
    excerpt = get_excerpt(store, ident)
    if excerpt is not None:
        return Chain("excerpt", excerpt.id, excerpt=_excerpt_chain(store, excerpt))
    from thematic.themes import list_themes

    known = [t.id for t in list_themes(store)] + db.all_code_ids(store)
    suggest = nearest(ident, known) or nearest(ident, all_excerpt_ids(store))
    raise ThematicError("E400", value=ident, suggest=suggest)


def _resolve_code(store: Store, ident: str) -> tuple[str, str] | None:
    from thematic.store.codebooks import get_codebook, list_codebooks

    if ":" in ident:
        name, code = ident.split(":", 1)
        if name in {b.name for b in list_codebooks(store, current_only=True)}:
            book = get_codebook(store, name)
            if book is None or book.code(code) is None:
                raise ThematicError("E404", value=code, book=name,
                                    suggest=nearest(code, [c.id for c in book.codes]
                                                    if book else []))
            return name, code
    books = db.current_codes_named(store, ident)
    if len(books) > 1:
        names = [b for b, _ in books]
        raise ThematicError("E401", value=ident, books=", ".join(names),
                            example=f"{names[0]}:{ident}")
    return (books[0][0], ident) if books else None


# --- building nodes ---------------------------------------------------------------------

class _Context:
    """What several nodes of one chain share: the code → themes map, theme names, codebooks."""

    def __init__(self, store: Store) -> None:
        from thematic.themes import list_themes

        self.themes = list_themes(store)
        self.names = {t.id: t.name for t in self.themes}
        self.code_themes = code_themes(store, self.themes)
        self._books: dict = {}
        self.store = store

    def refs(self, book: str | None, code: str) -> list[ThemeRef]:
        return [ThemeRef(i, self.names[i]) for i in self.code_themes.get((book or "", code), [])]

    def book(self, name: str):
        from thematic.store.codebooks import get_codebook

        if name not in self._books:
            self._books[name] = get_codebook(self.store, name)
        return self._books[name]


def _theme_node(store: Store, theme, ctx: _Context) -> ThemeNode:
    from thematic.evidence import REASSIGNED
    from thematic.store.themes import topic_members
    from thematic.themes import evidence

    ev = evidence(store, theme.id)
    parent = ThemeRef(theme.parent_id, ctx.names.get(theme.parent_id, theme.parent_id)) \
        if theme.parent_id else None
    node = ThemeNode(theme.id, theme.name, theme.level, theme.description, theme.codebook,
                     parent, list(ev.studies), list(ev.excerpts))
    if theme.codebook:
        for code, via in expand(children_of(ctx.book(theme.codebook)), theme.codes):
            found = _code_node(store, theme.codebook, code, ctx, via=via)
            if via is None or found.excerpts:
                node.codes.append(found)
    count = store.get_meta(REASSIGNED) == "count"
    for run_id, topic in theme.topics:
        rows = topic_members(store, [(run_id, topic)])
        members = [m[0] for m in rows if count or not m[3]]
        node.topics.append(TopicNode(run_id, topic, _excerpt_nodes(store, members, {}),
                                     [m[0] for m in rows if m[3]], count))
    for child in ctx.themes:
        if child.parent_id == theme.id:
            node.children.append(_theme_node(store, child, ctx))
    return node


def _code_node(store: Store, book_name: str, code_id: str, ctx: _Context,
               via: str | None = None) -> CodeNode:
    book = ctx.book(book_name)
    code = book.code(code_id) if book else None
    codings: dict[str, list[CodingNode]] = {}
    for row in db.codings_of_code(store, book_name, code_id):
        codings.setdefault(row["excerpt_id"], []).append(
            _coding_node(row, code.name if code else None, []))
    excerpts = _excerpt_nodes(store, list(codings), codings)
    return CodeNode(code_id, book_name, code.name if code else None,
                    code.definition if code else "", via, ctx.refs(book_name, code_id),
                    study_order(e.source.id for e in excerpts), excerpts)


def _coding_node(row: dict, code_name: str | None, themes: list[ThemeRef]) -> CodingNode:
    return CodingNode(row["id"], row["codebook"], row["codebook_version"],
                      bool(row["current"]), row["code_id"], code_name, row["coder"],
                      row["status"], row["method"], row["origin"], row["score"], row["start"],
                      row["end"], themes)


def _excerpt_nodes(store: Store, ids: list[str], codings: dict[str, list[CodingNode]]
                   ) -> list[ExcerptNode]:
    from thematic.store.corpus import list_excerpts

    found = {}
    for at in range(0, len(ids), 900):
        for e in list_excerpts(store, ids=ids[at:at + 900]):
            found[e.id] = e
    sources = _sources(store, sorted({e.source_id for e in found.values()}))
    return [ExcerptNode(e.id, e.text, e.file, e.location, e.start, e.end, sources[e.source_id],
                        codings.get(e.id, []))
            for e in sorted(found.values(), key=lambda x: x.position)]


def _sources(store: Store, ids: list[str]) -> dict[str, SourceNode]:
    from thematic.store.corpus import get_sources

    rows = get_sources(store, ids)
    files = db.source_files(store, ids)
    out = {}
    for sid in ids:
        s = rows.get(sid)
        out[sid] = SourceNode(sid, s.citation if s else sid, s.title if s else None,
                              files.get(sid), s.location if s else None)
    return out


def study_order(ids) -> list[str]:
    """Study ids as the study list orders them (the store's CAST(id AS INTEGER), id)."""
    return sorted(set(ids), key=lambda s: (int(s) if s.isdigit() else 0, s))


def _excerpt_chain(store: Store, excerpt) -> ExcerptNode:
    """Down to the study and file; up through every coding and topic membership to every
    theme the excerpt supports, and why (the mirror of a theme's chain)."""
    from thematic.evidence import resolve

    ctx = _Context(store)
    policy = resolve(store)
    codings = [_coding_node(row, row["code_name"], ctx.refs(row["codebook"], row["code_id"])
                            if row["status"] == Status.ACCEPTED else [])
               for row in db.codings_of_excerpt(store, excerpt.id)]
    node = _excerpt_nodes(store, [excerpt.id], {excerpt.id: codings})[0]
    parents = {t.id: t.parent_id for t in ctx.themes}
    for c in codings:
        if c.status != Status.ACCEPTED:
            continue
        if c.coder not in policy.coders:
            node.not_evidence[c.id] = policy.excluded.get(c.coder, "not an evidence coder")
            continue
        for t in c.themes:
            node.supports.append(Support(t, "coding", coding=c.id, code=c.code_id,
                                         coder=c.coder))
    memberships = db.topic_memberships(store, excerpt.id)
    labels = db.topic_labels(store, [(r, k) for r, k, _ in memberships])
    for run, topic, moved in memberships:
        for accepted in ctx.themes:
            if (run, topic) not in accepted.topics:
                continue
            if moved and not policy.reassigned:
                node.not_evidence_topics.append(Support(
                    ThemeRef(accepted.id, ctx.names[accepted.id]), "topic", run=run,
                    topic=topic, label=labels.get((run, topic)), reassigned=True))
                continue
            reached: str | None = accepted.id
            through: str | None = None
            while reached is not None:
                node.supports.append(Support(ThemeRef(reached, ctx.names[reached]), "topic",
                                             run=run, topic=topic,
                                             label=labels.get((run, topic)),
                                             through=through, reassigned=moved))
                through, reached = reached, parents.get(reached)
    return node


# --- wording every renderer shares --------------------------------------------------------

def where(e: ExcerptNode) -> str:
    """'corpus/findings.csv, row 2, column finding, characters 0–57'."""
    head = f"{e.file}, " if e.file else ""
    return f"{head}{e.location}, characters {e.start}–{e.end}"


def coding_text(c: CodingNode) -> str:
    """'gold (accepted; import from gold.csv:2)' or 'auto:rules (proposed; rules, rule
    phrase:"hope")'."""
    if c.rule:
        # An import's origin is where the coding came from; a rule's origin is what fired.
        how = (f"{c.method} from {c.rule}" if c.method == "import"
               else f"{c.method}, rule {c.rule}")
    else:
        how = c.method
    how += f", score {c.score:.2f}" if c.score is not None else ""
    if c.start is not None and c.end is not None:
        how += f", characters {c.start}–{c.end}"
    if not c.current_version:
        how += f", codebook version {c.codebook_version} (not the current one)"
    return f"{c.coder} ({c.status}; {how})"


def support_text(s: Support) -> str:
    """'coding 12 (hope by ana)' or 'member of topic 3 "role ambiguity" of run 1, which the
    theme was accepted from'."""
    if s.via == "coding":
        return f"coding {s.coding} ({s.code} by {s.coder})"
    label = f' "{s.label}"' if s.label else ""
    moved = (", reassigned there from HDBSCAN's outliers" if s.reassigned else "")
    return (f"member of topic {s.topic}{label} of run {s.run}{moved}, which the theme was "
            "accepted from" + (f" (through sub-theme {s.through})" if s.through else ""))
