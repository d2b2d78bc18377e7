"""Coder × excerpt presence/absence decisions per code (or theme), read from the store.

Each code is a binary decision per excerpt per coder, over the excerpts that **all** the
compared coders reviewed (coverage) — not over the excerpts that happen to carry a coding:
an excerpt a coder reviewed and left without a code is a "no" for that code. A coder who
coded an excerpt has reviewed it, even where no coverage row says so.

* A coding's status does not matter: a proposal that someone later rejected was still its
  coder's decision (pass ``statuses`` to count only some).
* A span coding makes the code present on its excerpt.
* Codings and coverage of every loaded version of the codebook count (codes are matched by
  id), so a reloaded codebook keeps its coders' work; the codes are the current version's.
* A grouping code (not codable) is present when any code beneath it is; a theme is present
  when any of its codes, or of its child themes' codes, is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from thematic.agreement.binary import BinaryTally, tally_codings
from thematic.errors import ThematicError, nearest
from thematic.lookup import codebook as resolve_codebook
from thematic.store import codebooks as cb_db
from thematic.store import codings as codings_db
from thematic.store import corpus as corpus_db
from thematic.store.db import Store

__all__ = ["LEVELS", "Decisions", "default_coders", "load", "parse_list"]

LEVELS = ("code", "theme")
AUTOMATIC_PREFIX = "auto:"
RECONCILE_METHOD = "reconcile"


@dataclass
class Decisions:
    """Presence/absence of each item (code or theme) per coder per excerpt.

    ``excerpts`` are the excerpts every coder in ``coders`` reviewed, in import order.
    The presence is kept sparse: ``(coder, excerpt, item)`` index triples, one per item a
    coder gave an excerpt.
    """

    codebook: str
    version: str
    codebook_id: int
    level: str
    coders: list[str]
    excerpts: list[str]
    items: list[str]
    names: list[str]
    coder_idx: np.ndarray
    excerpt_idx: np.ndarray
    item_idx: np.ndarray
    reviewed: dict[str, int] = field(default_factory=dict)  # coder → excerpts reviewed

    def tally(self) -> BinaryTally:
        return tally_codings(self.coder_idx, self.excerpt_idx, self.item_idx,
                             n_coders=len(self.coders), n_units=len(self.excerpts),
                             n_codes=len(self.items))

    def presence(self) -> np.ndarray:
        """Dense ``coders × excerpts × items`` boolean array."""
        out = np.zeros((len(self.coders), len(self.excerpts), len(self.items)), dtype=bool)
        out[self.coder_idx, self.excerpt_idx, self.item_idx] = True
        return out


def parse_list(values: str | Sequence[str] | None) -> list[str] | None:
    """'a,b' or ['a', 'b,c'] → ['a', 'b', 'c'] (None or empty → None), order kept."""
    if not values:
        return None
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out or None


def _versions(store: Store, book: cb_db.Codebook) -> list[int]:
    return [b.id for b in cb_db.list_codebooks(store) if b.name == book.name]


@dataclass
class _Work:
    """Every coder's reviewed excerpts and codings in any version of the codebook, read
    through the store's columnar path (indexes into ``excerpt_ids``, import order)."""
    excerpt_ids: list[str]
    reviewed: dict[str, np.ndarray]          # coder → sorted excerpt indexes
    groups: list[codings_db.CodingGroup]
    methods: dict[str, set[str]]             # coder → the methods of their codings


def _work(store: Store, book: cb_db.Codebook, statuses: Sequence[str] | None) -> _Work:
    versions = _versions(store, book)
    columns = codings_db.coding_columns(store, codebook_ids=versions,
                                        statuses=tuple(statuses) if statuses else None)
    reviewed = codings_db.coverage_columns(store, columns.excerpt_ids, versions)
    coded: dict[str, list[np.ndarray]] = {}
    methods: dict[str, set[str]] = {}
    for g in columns.groups:
        coded.setdefault(g.coder, []).append(g.excerpts)
        methods.setdefault(g.coder, set()).add(g.method)
    for coder, parts in coded.items():  # a coder who coded an excerpt has reviewed it
        seen = np.concatenate([reviewed.get(coder, parts[0]), *parts])
        reviewed[coder] = codings_db.sorted_unique(seen)
    return _Work(columns.excerpt_ids, reviewed, columns.groups, methods)


def default_coders(reviewed: Mapping[str, object], methods: dict[str, set[str]]) -> list[str]:
    """The human coders: everyone with reviewed excerpts except automatic coders
    ('auto:…') and coders recorded by ``agree reconcile`` (whose codings' ``methods`` are
    all 'reconcile')."""
    return sorted(who for who in reviewed
                  if not who.startswith(AUTOMATIC_PREFIX)
                  and methods.get(who) != {RECONCILE_METHOD})


def _check_coders(store: Store, coders: list[str] | None, reviewed: dict[str, np.ndarray],
                  methods: dict[str, set[str]]) -> list[str]:
    everyone = codings_db.coders(store)
    listing = ", ".join(everyone) or "(none)"
    if coders is None:
        chosen = default_coders(reviewed, methods)
        if len(chosen) < 2:
            found = (f"found {len(chosen)} human coder(s) with reviewed excerpts"
                     + (f" ({', '.join(chosen)})" if chosen else ""))
            raise ThematicError("E200", found=found, coders=listing)
        return chosen
    seen: list[str] = []
    for who in coders:
        if who not in everyone:
            raise ThematicError("E201", value=who, suggest=nearest(who, everyone),
                                coders=listing)
        if who in seen:
            raise ThematicError("E207", option="--coders", problem=f"{who!r} is named twice; "
                                "name each coder once")
        seen.append(who)
    if len(seen) < 2:
        raise ThematicError("E200", found=f"got {len(seen)} ({', '.join(seen)})",
                            coders=listing)
    return seen


def _descendant_codes(book: cb_db.Codebook, code_id: str) -> list[str]:
    """The codable codes a code stands for: itself, or every codable code beneath it."""
    children: dict[str | None, list[cb_db.Code]] = {}
    for c in book.codes:
        children.setdefault(c.parent, []).append(c)
    out, todo = [], [code_id]
    while todo:
        current = todo.pop(0)
        code = book.code(current)
        if code is not None and code.codable:
            out.append(current)
        todo.extend(c.id for c in children.get(current, []))
    return out


def _code_items(book: cb_db.Codebook, codes: list[str] | None
                ) -> tuple[list[str], list[str], list[list[str]]]:
    if codes is None:
        chosen = [c for c in book.codes if c.codable]
        return [c.id for c in chosen], [c.name for c in chosen], [[c.id] for c in chosen]
    ids, names, members = [], [], []
    for value in codes:
        code = book.code(value) or next(
            (c for c in book.codes if c.name.casefold() == value.casefold()), None)
        if code is None:
            raise ThematicError(
                "E203", what="code", value=value,
                suggest=nearest(value, [c.id for c in book.codes]),
                fix=f"List the codes of codebook {book.name!r} with "
                    f"`thematic codebook show {book.name}`.")
        if code.id not in ids:
            ids.append(code.id)
            names.append(code.name)
            members.append(_descendant_codes(book, code.id))
    return ids, names, members


def _theme_items(store: Store, book: cb_db.Codebook, themes: list[str] | None
                 ) -> tuple[list[str], list[str], list[list[str]]]:
    from thematic.themes import list_themes

    everything = list_themes(store)
    by_id = {t.id: t for t in everything}
    kids: dict[str | None, list[str]] = {}
    for t in everything:
        kids.setdefault(t.parent_id, []).append(t.id)

    def codes_of(theme_id: str) -> list[str]:
        out: list[str] = []
        todo = [theme_id]
        while todo:
            t = by_id[todo.pop(0)]
            if t.codebook in (None, book.name):
                for c in t.codes:
                    out.extend(x for x in _descendant_codes(book, c) if x not in out)
            todo.extend(kids.get(t.id, []))
        return out

    if themes is None:
        chosen = [t.id for t in everything if codes_of(t.id)]
        if not chosen:
            raise ThematicError("E204", codebook=book.name)
    else:
        chosen = []
        names = {t.name.casefold(): t.id for t in everything}
        for value in themes:
            theme_id = value if value in by_id else names.get(value.casefold())
            if theme_id is None:
                raise ThematicError("E203", what="theme", value=value,
                                    suggest=nearest(value, list(by_id)),
                                    fix="List the themes with `thematic theme list`.")
            if theme_id not in chosen:
                chosen.append(theme_id)
    return chosen, [by_id[t].name for t in chosen], [codes_of(t) for t in chosen]


def load(store: Store, *, coders: list[str] | None = None, codes: list[str] | None = None,
         level: str = "code", codebook: str | None = None,
         statuses: Sequence[str] | None = None) -> Decisions:
    """The decisions of ``coders`` (default: every human coder) on ``codes`` (default:
    every codable code; theme ids with ``level="theme"``, default every theme with codes)
    over the excerpts all of them reviewed."""
    if level not in LEVELS:
        raise ThematicError("E207", option="--level",
                            problem=f"{level!r} is not one of {', '.join(LEVELS)}")
    book = resolve_codebook(store, codebook)
    work = _work(store, book, statuses)
    reviewed = work.reviewed
    chosen = _check_coders(store, coders, reviewed, work.methods)
    if level == "code":
        items, names, members = _code_items(book, codes)
    else:
        items, names, members = _theme_items(store, book, codes)
    common = reviewed.get(chosen[0], np.zeros(0, dtype=np.int64))
    for c in chosen[1:]:
        common = np.intersect1d(common, reviewed.get(c, np.zeros(0, dtype=np.int64)),
                                assume_unique=True)
    if not len(common):
        detail = "; ".join(f"{c} reviewed {len(reviewed.get(c, ()))}" for c in chosen)
        raise ThematicError("E202", coders=", ".join(chosen), detail=detail)
    # excluded excerpts and interviewer turns are out of the analysis, agreement included
    analysed = set(corpus_db.all_excerpt_ids(store, analysed=True))
    common = np.asarray([i for i in common.tolist() if work.excerpt_ids[i] in analysed],
                        dtype=np.int64)
    excerpts = [work.excerpt_ids[i] for i in common.tolist()]
    position = np.full(len(work.excerpt_ids), -1, dtype=np.int64)
    position[common] = np.arange(len(common))
    coder_pos = {c: i for i, c in enumerate(chosen)}
    item_of: dict[str, list[int]] = {}
    for i, code_ids in enumerate(members):
        for code_id in code_ids:
            item_of.setdefault(code_id, []).append(i)
    n_units, n_items = len(excerpts), len(items)
    # One int64 key per (coder, excerpt, item): unique keys sort like the triples.
    keys = [np.zeros(0, dtype=np.int64)]
    for g in work.groups:
        if g.coder not in coder_pos or g.code_id not in item_of:
            continue
        units = position[g.excerpts]
        units = units[units >= 0]
        for i in item_of[g.code_id]:
            keys.append((coder_pos[g.coder] * n_units + units) * n_items + i)
    key = codings_db.sorted_unique(np.concatenate(keys))
    coder_idx, rest = np.divmod(key, n_units * n_items or 1)
    excerpt_idx, item_idx = np.divmod(rest, n_items or 1)
    return Decisions(codebook=book.name, version=book.version, codebook_id=book.id,
                     level=level, coders=chosen, excerpts=excerpts, items=items,
                     names=names, coder_idx=coder_idx, excerpt_idx=excerpt_idx,
                     item_idx=item_idx,
                     reviewed={c: len(reviewed.get(c, ())) for c in chosen})
