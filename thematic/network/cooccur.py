"""Co-occurrence of codes or themes, from a sparse incidence matrix.

The incidence ``A`` (units × items, 0/1) comes from the store: ACCEPTED codings at code
level, theme evidence at theme level; the unit is an excerpt, or a study (an item is present
in a study when any of its excerpts carries it). Co-occurrence is ``AᵀA``: its diagonal is
how many units carry each item, the rest how many carry both of a pair.

Everything after reading the store is a pure function of arrays. ``counts()`` of a batch of
units gives a ``Counts`` and counts of batches add up (``sum(parts)``), so a distributed
engine can split the units (a study's excerpts in one batch for ``unit="study"``), sum the
parts and finish with ``edge_table()``. Supporting excerpts are looked up only for the edges
kept, by expanding each unit's item pairs with numpy — no Python loop over pairs.

The unit universe is every excerpt some coder reviewed (coverage) or that has evidence: an
excerpt nobody looked at says nothing about chance, and would inflate ``N``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from thematic.errors import ThematicError, nearest
from thematic.network.chance import chance
from thematic.network.options import LEVELS, UNITS, WEIGHTS, check_choice
from thematic.store.codings import Status
from thematic.words import plural

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse

    from thematic.store.db import Store

CHANCE_WEIGHTS = ("association", "npmi")
PLURAL = {"excerpt": "excerpts", "study": "studies"}
LOOKUP_LIMIT = 1 << 24  # items² up to this: a dense pair index (≤ 128 MB at 4096 items)


@dataclass
class Incidence:
    """Which unit carries which item; ``matrix`` is units × items (CSR, 0/1, int32)."""

    matrix: scipy.sparse.csr_matrix
    units: list[str]
    items: list[str]
    level: str = "code"
    unit: str = "excerpt"
    names: dict[str, str] = field(default_factory=dict)
    item_attrs: dict[str, dict] = field(default_factory=dict)
    excerpts: list[str] = field(default_factory=list)        # excerpt rows, import order
    excerpt_matrix: scipy.sparse.csr_matrix | None = None    # excerpts × items
    studies: list[str] = field(default_factory=list)
    study_of: np.ndarray | None = None                       # excerpt row → study index
    codebook: str | None = None
    nested: set[tuple[str, str]] = field(default_factory=set)  # pairs sharing evidence by design


@dataclass
class Counts:
    """The additive part of co-occurrence: ``co = AᵀA`` (items × items) and the unit count."""

    co: scipy.sparse.csr_matrix
    n: int

    def __add__(self, other: Counts) -> Counts:
        return Counts((self.co + other.co).tocsr(), self.n + other.n)

    def __radd__(self, other: object) -> Counts:
        return self if other == 0 else NotImplemented  # so sum(parts) works

    @property
    def marginals(self) -> np.ndarray:
        return self.co.diagonal()


@dataclass
class EdgeTable:
    """One row per kept pair (source < target in item order)."""

    items: list[str]
    source: np.ndarray
    target: np.ndarray
    count: np.ndarray
    weight: np.ndarray
    p_value: np.ndarray
    q_value: np.ndarray
    significant: np.ndarray
    excerpts: list[list[str]]
    n_units: int
    tested: int          # pairs in the multiple-testing family
    weight_kind: str = "count"

    def __len__(self) -> int:
        return len(self.source)

    def rows(self) -> list[dict]:
        return [{"source": self.items[s], "target": self.items[t], "count": int(c),
                 "weight": float(w), "p_value": float(p), "q_value": float(q),
                 "significant": bool(sig), "excerpts": ex}
                for s, t, c, w, p, q, sig, ex in zip(
                    self.source, self.target, self.count, self.weight, self.p_value,
                    self.q_value, self.significant, self.excerpts)]


# --- building incidence -----------------------------------------------------------------

def make(excerpt_matrix, *, excerpts: list[str], items: list[str], studies: list[str],
         study_of, unit: str = "excerpt", level: str = "code",
         names: dict[str, str] | None = None, item_attrs: dict[str, dict] | None = None,
         codebook: str | None = None, nested: set[tuple[str, str]] | None = None
         ) -> Incidence:
    """An ``Incidence`` from an excerpts × items matrix (any non-zero counts as present).
    Items no excerpt carries are dropped."""
    import numpy as np
    import scipy.sparse as sp

    check_choice("unit", unit, UNITS)
    check_choice("level", level, LEVELS)
    e = sp.csr_matrix(excerpt_matrix, dtype=np.int32, copy=True)
    e.sum_duplicates()
    e.eliminate_zeros()
    e.data[:] = 1
    used = np.flatnonzero(np.diff(e.tocsc().indptr))
    if len(used) < e.shape[1]:
        e = e[:, used].tocsr()
        items = [items[i] for i in used]
    e.sort_indices()
    study_of = np.asarray(study_of, dtype=np.int64)
    if unit == "study":
        matrix, units = collapse(e, study_of, len(studies)), list(studies)
    else:
        matrix, units = e, list(excerpts)
    return Incidence(matrix=matrix, units=units, items=list(items), level=level, unit=unit,
                     names=dict(names or {}), item_attrs=dict(item_attrs or {}),
                     excerpts=list(excerpts), excerpt_matrix=e, studies=list(studies),
                     study_of=study_of, codebook=codebook, nested=set(nested or ()))


def collapse(matrix, groups, n_groups: int):
    """Rows grouped (e.g. excerpts → studies): an item is present in a group when any of the
    group's rows has it (the max)."""
    import numpy as np
    import scipy.sparse as sp

    n = matrix.shape[0]
    g = sp.csr_matrix((np.ones(n, dtype=np.int32), (np.asarray(groups), np.arange(n))),
                      shape=(n_groups, n))
    out = (g @ matrix).tocsr()
    out.data[:] = 1
    out.sort_indices()
    return out


def from_pairs(pairs, *, excerpts: list[str], study_of: list[str], items: list[str],
               **kwargs) -> Incidence:
    """An ``Incidence`` from (excerpt id, item id) pairs; ``study_of[i]`` is the study of
    ``excerpts[i]``. Pairs naming unknown excerpts or items are ignored."""
    import numpy as np
    import scipy.sparse as sp

    row = {e: i for i, e in enumerate(excerpts)}
    col = {c: j for j, c in enumerate(items)}
    kept = [(row[e], col[c]) for e, c in pairs if e in row and c in col]
    r = np.fromiter((a for a, _ in kept), dtype=np.int64, count=len(kept))
    c = np.fromiter((b for _, b in kept), dtype=np.int64, count=len(kept))
    matrix = sp.csr_matrix((np.ones(len(kept), dtype=np.int32), (r, c)),
                           shape=(len(excerpts), len(items)))
    studies = list(dict.fromkeys(study_of))
    index = {s: i for i, s in enumerate(studies)}
    return make(matrix, excerpts=excerpts, items=items, studies=studies,
                study_of=[index[s] for s in study_of], **kwargs)


def incidence(store: Store, level: str = "code", unit: str = "excerpt", *,
              codebook: str | None = None) -> Incidence:
    """The incidence of ``level`` items in ``unit``s, read from the store's evidence."""
    check_choice("level", level, LEVELS)
    check_choice("unit", unit, UNITS)
    from thematic.store.codings import accepted_rows, coverage
    from thematic.store.corpus import all_excerpt_ids, excerpt_sources

    if level == "code":
        return _code_incidence(store, codebook, unit)
    from operator import itemgetter

    members, items, names, attrs, nested = _theme_items(store)
    universe = set().union(*coverage(store).values())
    # bulk tuples, not a Coding or Excerpt object per row, and C loops (map, filter) over
    # them: this read was a fifth of a 100k-excerpt audit
    universe.update(map(itemgetter(0), accepted_rows(store)))
    for excerpts in members:
        universe.update(excerpts)
    ids = list(filter(universe.__contains__, all_excerpt_ids(store, analysed=True)))
    source_of = excerpt_sources(store)
    return from_members(members, excerpts=ids, study_of=list(map(source_of.__getitem__, ids)),
                        items=items, unit=unit, level=level, names=names, item_attrs=attrs,
                        codebook=None, nested=nested)


def from_members(members: list[list[str]], *, excerpts: list[str], study_of: list[str],
                 items: list[str], **kwargs) -> Incidence:
    """``from_pairs`` of the pairs (e, items[j]) for every e in ``members[j]``, built column
    by column in C (a theme network at 100k excerpts has 250k pairs)."""
    import numpy as np
    import scipy.sparse as sp

    row = dict(zip(excerpts, range(len(excerpts))))
    rows, cols = [], []
    for j, listed in enumerate(members):
        try:
            found = np.fromiter(map(row.__getitem__, listed), dtype=np.int64,
                                count=len(listed))
        except KeyError:   # pairs naming unknown excerpts are ignored
            listed = [e for e in listed if e in row]
            found = np.fromiter(map(row.__getitem__, listed), dtype=np.int64,
                                count=len(listed))
        rows.append(found)
        cols.append(np.full(len(listed), j, dtype=np.int64))
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    matrix = sp.csr_matrix((np.ones(len(r), dtype=np.int32), (r, c)),
                           shape=(len(excerpts), len(items)))
    studies = list(dict.fromkeys(study_of))
    index = {s: i for i, s in enumerate(studies)}
    return make(matrix, excerpts=excerpts, items=items, studies=studies,
                study_of=list(map(index.__getitem__, study_of)), **kwargs)


def _code_incidence(store: Store, codebook: str | None, unit: str) -> Incidence:
    """Code-level incidence through the store's columnar read (no object per coding)."""
    import numpy as np
    import scipy.sparse as sp

    from thematic.store import codings as cdb
    from thematic.store.codebooks import get_codebook, list_codebooks
    from thematic.store.corpus import all_excerpt_ids, excerpt_sources

    books = {b.id: b.name for b in list_codebooks(store)}
    columns = cdb.coding_columns(store, statuses=[Status.ACCEPTED])
    # excluded excerpts and interviewer turns are out of the analysis, the network included
    analysed = set(all_excerpt_ids(store, analysed=True))
    keep = np.fromiter((e in analysed for e in columns.excerpt_ids), dtype=bool,
                       count=len(columns.excerpt_ids))
    for g in columns.groups:
        g.excerpts = g.excerpts[keep[g.excerpts]]
    columns.groups = [g for g in columns.groups if len(g.excerpts)]
    per_book: Counter = Counter()
    for g in columns.groups:
        per_book[books.get(g.codebook_id, "?")] += g.rows
    if not columns.groups:
        proposed = len(cdb.list_codings(store, status=Status.PROPOSED))
        fix = (f"{plural(proposed, 'proposed coding')} to review: accept them with "
               "`thematic code review`." if proposed else
               "Code the excerpts first (`thematic code auto` then `thematic code review`, "
               "or `thematic code import FILE`).")
        raise ThematicError("E300", fix=fix)
    if codebook is None:
        # Most evidence wins; ties go to the name, so the choice never depends on row order.
        codebook = sorted(per_book.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    elif codebook not in per_book:
        raise ThematicError("E307", value=codebook, suggest=nearest(codebook, list(per_book)),
                            names=", ".join(sorted(per_book)))
    versions = [i for i, name in books.items() if name == codebook]
    chosen = [g for g in columns.groups if g.codebook_id in versions]
    current = get_codebook(store, codebook)
    known = [c.id for c in current.codes] if current else []
    used = {g.code_id for g in chosen}
    items = [c for c in known if c in used] + sorted(used - set(known))
    names = {c.id: c.name for c in current.codes} if current else {}
    column = {c: j for j, c in enumerate(items)}
    coded = [g.excerpts for g in chosen]
    reviewed = [r[keep[r]] for r in
                cdb.coverage_columns(store, columns.excerpt_ids, versions).values()]
    universe = cdb.sorted_unique(np.concatenate([*coded, *reviewed]))
    source_of = excerpt_sources(store)
    row = np.full(len(columns.excerpt_ids), -1, dtype=np.int64)
    row[universe] = np.arange(len(universe))
    r = np.concatenate([row[e] for e in coded])
    c = np.repeat(np.asarray([column[g.code_id] for g in chosen], dtype=np.int64),
                  [len(e) for e in coded])
    matrix = sp.csr_matrix((np.ones(len(r), dtype=np.int32), (r, c)),
                           shape=(len(universe), len(items)))
    excerpts = [columns.excerpt_ids[i] for i in universe.tolist()]
    study_of = [source_of[e] for e in excerpts]
    studies = list(dict.fromkeys(study_of))
    index = {s: i for i, s in enumerate(studies)}
    return make(matrix, excerpts=excerpts, items=items, studies=studies,
                study_of=[index[s] for s in study_of], unit=unit, level="code",
                names={i: names.get(i, i) for i in items}, item_attrs={}, codebook=codebook,
                nested=set())


def _theme_items(store: Store):
    from thematic import themes

    found = themes.list_themes(store)
    everything = themes.evidence_all(store)
    members: list[list[str]] = []              # the excerpts of each item (theme)
    items: list[str] = []
    names: dict[str, str] = {}
    attrs: dict[str, dict] = {}
    for theme in found:
        evidence = everything[theme.id]
        if not evidence.excerpts:
            continue
        items.append(theme.id)
        names[theme.id] = theme.name
        attrs[theme.id] = {"theme_level": theme.level}
        members.append(list(evidence.excerpts))
    if not items:
        raise ThematicError("E301")
    parent = {t.id: t.parent_id for t in found}
    nested: set[tuple[str, str]] = set()
    for item in items:
        up = parent.get(item)
        while up is not None and (item, up) not in nested:
            nested.add((item, up))
            nested.add((up, item))
            up = parent.get(up)
    return members, items, names, attrs, nested


# --- the pure, combinable part ----------------------------------------------------------

def counts(matrix) -> Counts:
    """``AᵀA`` of one batch of units (rows)."""
    co = (matrix.T @ matrix).tocsr()
    co.sort_indices()
    return Counts(co, int(matrix.shape[0]))


def pairs(c: Counts):
    """(rows, cols, c_ij) of every co-occurring pair i < j, in (i, j) order."""
    import numpy as np
    import scipy.sparse as sp

    upper = sp.triu(c.co, k=1).tocsr()
    upper.eliminate_zeros()
    upper.sort_indices()
    rows = np.repeat(np.arange(upper.shape[0]), np.diff(upper.indptr))
    return rows, upper.indices.astype(np.int64), upper.data.astype(np.int64)


def weights(kind: str, cij, ci, cj, n: int):
    """The edge weight of pairs with counts ``cij`` and marginals ``ci``, ``cj`` of ``n``."""
    import numpy as np

    check_choice("weight", kind, WEIGHTS)
    cij, ci, cj = (np.asarray(x, dtype=float) for x in (cij, ci, cj))
    if kind == "count":
        return cij
    if kind == "jaccard":
        return cij / (ci + cj - cij)
    lift = cij * n / (ci * cj)          # observed / expected under independence
    if kind == "association":
        return lift
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = -np.log(cij / n)
        # Two items present in every unit co-occur perfectly: NPMI's limit there is 1.
        return np.where(denominator > 0, np.log(lift) / np.where(denominator > 0,
                                                                  denominator, 1.0), 1.0)


def supporting(inc: Incidence, source, target) -> list[np.ndarray]:
    """For each pair (source[k], target[k]): the excerpt rows that support it — the excerpts
    carrying either item inside the units where the two co-occur (at excerpt level: the
    excerpts carrying both), in import order."""
    import numpy as np

    k = len(inc.items)
    source, target = np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64)
    if not len(source):
        return []
    wanted = source * k + target
    u, a, b = _row_pairs(inc.matrix)
    key = a * k + b
    if k * k <= LOOKUP_LIMIT:
        # A dense pair → edge table: one gather instead of a binary search per unit pair.
        lookup = np.full(k * k, -1, dtype=np.int64)
        lookup[wanted] = np.arange(len(wanted))
        edge = lookup[key]
        hit = edge >= 0
        u, edge = u[hit], edge[hit]
    else:
        order = np.argsort(wanted)
        pos = np.minimum(np.searchsorted(wanted[order], key), len(wanted) - 1)
        hit = wanted[order][pos] == key
        u, edge = u[hit], order[pos[hit]]
    if inc.unit == "excerpt":
        # One row per (excerpt, edge) already, excerpts ascending: a stable sort groups them.
        order = np.argsort(edge, kind="stable")
        pair_edge, pair_excerpt = edge[order], u[order]
    else:
        pair_edge, pair_excerpt = _excerpts_in_units(inc, u, edge, source, target)
        # An excerpt carrying both items came twice; sorting beats np.unique's hashing here.
        n = max(len(inc.excerpts), 1)
        combined = np.sort(pair_edge * n + pair_excerpt)
        if len(combined):
            combined = combined[np.concatenate(([True], combined[1:] != combined[:-1]))]
        pair_edge, pair_excerpt = combined // n, combined % n
    bounds = np.searchsorted(pair_edge, np.arange(len(source) + 1))
    return [pair_excerpt[bounds[i]:bounds[i + 1]] for i in range(len(source))]


def _row_pairs(matrix):
    """(row, a, b) for every pair a < b of columns present in the same row."""
    import numpy as np

    indptr, indices = matrix.indptr, matrix.indices.astype(np.int64)
    deg = np.diff(indptr)
    nnz = len(indices)
    row_of = np.repeat(np.arange(len(deg)), deg)
    offset = np.arange(nnz) - np.repeat(indptr[:-1], deg)
    later = deg[row_of] - offset - 1
    first = np.repeat(np.arange(nnz), later)
    start = np.repeat(np.cumsum(later) - later, later)
    second = first + 1 + (np.arange(len(first)) - start)
    return row_of[first], indices[first], indices[second]


def _excerpts_in_units(inc: Incidence, units, edge, source, target):
    """(edge, excerpt) for each excerpt of unit ``units[i]`` carrying either item of
    ``edge[i]`` (a vectorised join on (study, item))."""
    import numpy as np

    k = len(inc.items)
    e, study_of = inc.excerpt_matrix, inc.study_of
    assert e is not None and study_of is not None  # built for units coarser than excerpts
    ex_rows = np.repeat(np.arange(e.shape[0]), np.diff(e.indptr))
    keys = study_of[ex_rows] * k + e.indices
    order = np.argsort(keys, kind="stable")
    keys, ex_rows = keys[order], ex_rows[order]
    out_edge, out_ex = [], []
    for item in (source[edge], target[edge]):
        want = units * k + item
        lo, hi = np.searchsorted(keys, want, "left"), np.searchsorted(keys, want, "right")
        n = hi - lo
        idx = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(n.sum())
        out_edge.append(np.repeat(edge, n))
        out_ex.append(ex_rows[idx])
    return np.concatenate(out_edge), np.concatenate(out_ex)


def edge_table(inc: Incidence, weight: str = "count", min_weight: float = 0.0, *,
               alpha: float = 0.05, total: Counts | None = None) -> EdgeTable:
    """Every pair that co-occurs with ``weight >= min_weight``: counts, weight, chance test
    and supporting excerpts. ``total`` lets a caller pass counts summed over batches."""
    import numpy as np

    check_choice("weight", weight, WEIGHTS)
    if len(inc.items) < 2:
        _too_few_items(inc)
    c = total if total is not None else counts(inc.matrix)
    if weight in CHANCE_WEIGHTS and c.n < 2:
        fix = ("Code excerpts of more studies, use --unit excerpt, or use --weight count or "
               "jaccard." if inc.unit == "study" else
               "Code more excerpts, or use --weight count or jaccard.")
        raise ThematicError("E302", weight=weight, units=PLURAL[inc.unit],
                            unit=inc.unit, level=inc.level, n=c.n, fix=fix)
    rows, cols, cij = pairs(c)
    k = len(inc.items)
    tested = k * (k - 1) // 2
    if inc.nested:
        index = {item: i for i, item in enumerate(inc.items)}
        nested = {index[a] * k + index[b] for a, b in inc.nested
                  if a in index and b in index and index[a] < index[b]}
        tested -= len(nested)
        keep = ~np.isin(rows * k + cols, np.fromiter(nested, dtype=np.int64))
        rows, cols, cij = rows[keep], cols[keep], cij[keep]
    marg = c.marginals.astype(np.int64)
    ci, cj = marg[rows], marg[cols]
    w = weights(weight, cij, ci, cj, c.n)
    p, q = chance(cij, ci, cj, c.n, tested)
    keep = w >= min_weight
    rows, cols, cij, w, p, q = (x[keep] for x in (rows, cols, cij, w, p, q))
    ids = np.asarray(inc.excerpts, dtype=object)
    found = supporting(inc, rows, cols)
    return EdgeTable(items=list(inc.items), source=rows, target=cols, count=cij, weight=w,
                     p_value=p, q_value=q, significant=q < alpha,
                     excerpts=[ids[x].tolist() for x in found], n_units=c.n, tested=tested,
                     weight_kind=weight)


def _too_few_items(inc: Incidence) -> None:
    names = ", ".join(inc.names.get(i, i) for i in inc.items) or "none"
    fix = ("Accept or add codings of more codes, or map themes: --level theme."
           if inc.level == "code" else
           "Make more themes (`thematic theme add`), or map the codes: --level code.")
    raise ThematicError("E303", n=len(inc.items), level=inc.level, names=names, fix=fix)


def study_counts(inc: Incidence):
    """How many studies carry each item."""
    if inc.unit == "study":
        return inc.matrix.getnnz(axis=0)
    return collapse(inc.excerpt_matrix, inc.study_of, len(inc.studies)).getnnz(axis=0)
