"""Typed access to codings, coder coverage and memos (the coding room owns the logic).

Statuses: ``proposed`` (an automatic suggestion nobody has reviewed), ``accepted`` (counts
as evidence), ``rejected`` (kept for the record). Evidence for themes, networks and
reports is always the ``accepted`` codings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from thematic.store.db import Store, now, rowid

if TYPE_CHECKING:
    import numpy as np

BULK = 100   # rows from which a write goes through store.bulk


class Status(StrEnum):
    """Where a coding stands. Members are str, so they compare equal to the stored text."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


@dataclass
class Coding:
    excerpt_id: str
    codebook_id: int
    code_id: str
    coder: str
    method: str = "manual"
    start: int | None = None
    end: int | None = None
    origin: str | None = None
    score: float | None = None
    status: str = Status.ACCEPTED
    memo: str | None = None
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def stored_id(self) -> int:
        """The id of a coding read from the store (one not yet added has none)."""
        if self.id is None:
            raise RuntimeError(f"coding {self.code_id} on {self.excerpt_id} is not stored")
        return self.id


_COLUMNS = ("excerpt_id", "codebook_id", "code_id", "coder", "start", "end", "method",
            "origin", "score", "status", "memo")
CODING_COLUMNS = _COLUMNS


def add_codings(store: Store, codings: list[Coding]) -> int:
    """Insert codings; an identical one (same excerpt, code, coder, span) is left as it is.
    Returns how many were new."""
    return add_coding_rows(store, [tuple(getattr(c, k) for k in _COLUMNS) for c in codings])


def add_coding_rows(store: Store, rows: Iterable[tuple]) -> int:
    """``add_codings`` for bulk writers (auto-coding): each row a tuple of ``CODING_COLUMNS``
    values, no object per coding; one ``executemany`` in the caller's transaction.
    Returns how many were new."""
    from thematic.store.bulk import ledger_in_bulk

    stamp = now()
    rows = list(rows)
    # a few rows: the trigger is cheaper than setting it aside
    with ledger_in_bulk(store, "codings") if len(rows) >= BULK else nullcontext():
        # rowcount counts this statement's rows only (total_changes would add the ledger's
        # writes)
        cur = store.executemany(
            f"INSERT OR IGNORE INTO codings ({', '.join(_COLUMNS)}, created_at, updated_at) "
            f"VALUES ({','.join('?' * len(_COLUMNS))}, '{stamp}', '{stamp}')", rows)
    return max(cur.rowcount, 0)


def list_codings(store: Store, *, coder: str | None = None, code: str | None = None,
                 status: str | tuple[str, ...] | None = None, source: str | None = None,
                 excerpt: str | None = None, codebook_id: int | None = None,
                 coders: list[str] | None = None, analysed: bool = False) -> list[Coding]:
    """Codings in excerpt import order; ``analysed`` keeps only those of excerpts in the
    analysis (not excluded, not an interviewer's turn)."""
    from thematic.store.corpus import ANALYSED

    where, params = [], []
    if analysed:
        where.append(ANALYSED)
    for column, value in (("c.coder", coder), ("c.code_id", code), ("c.excerpt_id", excerpt),
                          ("c.codebook_id", codebook_id), ("e.source_id", source)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if status is not None:
        statuses = (status,) if isinstance(status, str) else tuple(status)
        where.append(f"c.status IN ({','.join('?' * len(statuses))})")
        params.extend(statuses)
    if coders:
        where.append(f"c.coder IN ({','.join('?' * len(coders))})")
        params.extend(coders)
    sql = ("SELECT c.* FROM codings c JOIN excerpts e ON e.id = c.excerpt_id"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY e.position, c.code_id, c.coder, c.id")
    return [Coding(**{k: r[k] for k in r.keys()}) for r in store.query(sql, tuple(params))]


def set_status(store: Store, coding_id: int, status: str, memo: str | None = None) -> None:
    store.execute("UPDATE codings SET status = ?, memo = COALESCE(?, memo), updated_at = ? "
                  "WHERE id = ?", (status, memo, now(), coding_id))


def remove_coding(store: Store, coding_id: int) -> None:
    store.execute("DELETE FROM codings WHERE id = ?", (coding_id,))


def coders(store: Store) -> list[str]:
    return [r[0] for r in store.query(
        "SELECT coder FROM codings UNION SELECT coder FROM coverage ORDER BY 1")]


def mark_reviewed(store: Store, coder: str, excerpt_ids: list[str], codebook_id: int) -> None:
    """Record that ``coder`` reviewed these excerpts (uncoded ones then count as "no")."""
    store.executemany("INSERT OR IGNORE INTO coverage (coder, excerpt_id, codebook_id, "
                      f"reviewed_at) VALUES (?, ?, ?, '{now()}')",
                      [(coder, e, codebook_id) for e in excerpt_ids])


def coverage(store: Store, coder: str | None = None, codebook_id: int | None = None
             ) -> dict[str, set[str]]:
    """coder → the excerpt ids that coder has reviewed."""
    where: list[str] = []
    params: list[str | int] = []
    if coder is not None:
        where.append("coder = ?")
        params.append(coder)
    if codebook_id is not None:
        where.append("codebook_id = ?")
        params.append(codebook_id)
    sql = "SELECT coder, excerpt_id FROM coverage" + (
        " WHERE " + " AND ".join(where) if where else "")
    out: dict[str, set[str]] = {}
    for who, eid in store.query(sql, tuple(params)):
        out.setdefault(who, set()).add(eid)
    return out


def add_memo(store: Store, kind: str, target: str, author: str, text: str) -> int:
    cur = store.execute("INSERT INTO memos (target_kind, target_id, author, text, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", (kind, target, author, text, now()))
    return rowid(cur)


def memos(store: Store, kind: str | None = None, target: str | None = None) -> list[dict]:
    where, params = [], []
    if kind:
        where.append("target_kind = ?")
        params.append(kind)
    if target:
        where.append("target_id = ?")
        params.append(target)
    sql = "SELECT * FROM memos" + (" WHERE " + " AND ".join(where) if where else "")
    return [dict(r) for r in store.query(sql + " ORDER BY id", tuple(params))]


# --- added by the coding room -----------------------------------------------------------

def _coding(row) -> Coding:
    return Coding(**{k: row[k] for k in row.keys()})


def get_coding(store: Store, coding_id: int) -> Coding | None:
    row = store.one("SELECT * FROM codings WHERE id = ?", (coding_id,))
    return _coding(row) if row else None


def find_coding(store: Store, excerpt_id: str, codebook_id: int, code_id: str, coder: str,
                start: int | None = None, end: int | None = None) -> Coding | None:
    """The coding with exactly this key (the unique index's columns), if stored."""
    row = store.one("SELECT * FROM codings WHERE excerpt_id = ? AND codebook_id = ? AND "
                    "code_id = ? AND coder = ? AND IFNULL(start, -1) = ? AND "
                    "IFNULL(end, -1) = ?", (excerpt_id, codebook_id, code_id, coder,
                                            -1 if start is None else start,
                                            -1 if end is None else end))
    return _coding(row) if row else None


def is_reviewed(store: Store, coder: str, excerpt_id: str, codebook_id: int) -> bool:
    return store.one("SELECT 1 FROM coverage WHERE coder = ? AND excerpt_id = ? AND "
                     "codebook_id = ?", (coder, excerpt_id, codebook_id)) is not None


def unmark_reviewed(store: Store, coder: str, excerpt_id: str, codebook_id: int) -> None:
    """Undo ``mark_reviewed`` for one excerpt (the review's undo key)."""
    store.execute("DELETE FROM coverage WHERE coder = ? AND excerpt_id = ? AND codebook_id = ?",
                  (coder, excerpt_id, codebook_id))


def coverage_rows(store: Store, codebook_id: int | None = None) -> list[tuple[str, str, int]]:
    """(coder, excerpt id, codebook id) of every reviewed excerpt, coders then import order."""
    sql = ("SELECT v.coder, v.excerpt_id, v.codebook_id FROM coverage v "
           "JOIN excerpts e ON e.id = v.excerpt_id")
    params: tuple = ()
    if codebook_id is not None:
        sql += " WHERE v.codebook_id = ?"
        params = (codebook_id,)
    return [(r[0], r[1], r[2]) for r in store.query(sql + " ORDER BY v.coder, e.position",
                                                    params)]


def delete_memo(store: Store, memo_id: int) -> None:
    store.execute("DELETE FROM memos WHERE id = ?", (memo_id,))


def restore_status(store: Store, coding_id: int, status: str, memo: str | None) -> None:
    """Set status and memo exactly as given (undo of ``set_status``)."""
    store.execute("UPDATE codings SET status = ?, memo = ?, updated_at = ? WHERE id = ?",
                  (status, memo, now(), coding_id))


def adopt(store: Store, coding_id: int, *, coder: str, method: str, origin: str | None,
          memo: str | None = None) -> None:
    """Turn a proposal into ``coder``'s accepted coding, in place: one row, so evidence
    counts once."""
    store.execute("UPDATE codings SET coder = ?, method = ?, origin = ?, status = 'accepted',"
                  " memo = COALESCE(?, memo), updated_at = ? WHERE id = ?",
                  (coder, method, origin, memo, now(), coding_id))


def put_back(store: Store, coding: Coding) -> None:
    """Store ``coding`` exactly as it was (same id), replacing what its id holds now: the
    undo of ``adopt`` or of removing a proposal."""
    columns = ("id", *_COLUMNS, "created_at", "updated_at")
    store.execute(f"INSERT OR REPLACE INTO codings ({', '.join(columns)}) VALUES "
                  f"({','.join('?' * len(columns))})",
                  tuple(getattr(coding, k) if k != "updated_at" else now() for k in columns))


def accepted_methods(store: Store) -> dict[str, set[str]]:
    """coder → the methods of their accepted codings (the evidence policy reads it)."""
    def read() -> list[tuple]:
        return store.tuples("SELECT DISTINCT coder, method FROM codings "
                            "WHERE status = 'accepted'")

    # a scan of every coding, and the policy is resolved several times per report (the
    # report, its themes, the audit): read once per data state (Store.memo)
    out: dict[str, set[str]] = {}
    for who, method in store.memo(("codings.accepted_methods",), read):
        out.setdefault(who, set()).add(method)
    return out


def clear_meta(store: Store, key: str) -> None:
    """Drop a project setting (back to its default)."""
    store.execute("DELETE FROM meta WHERE key = ?", (key,))
# --- the columnar read path (bulk consumers: agreement, network, themes, report, audit) ---

# group_concat's separator: the unit separator, which no imported id should hold; when one
# does, the excerpts are read by row id through a join instead (slower, same result).
_SEP = "\x1f"


@dataclass
class CodingGroup:
    """The excerpts that one coder gave one code, with one status and method."""
    codebook_id: int
    code_id: str
    coder: str
    status: str
    method: str
    excerpts: np.ndarray  # sorted, distinct indexes into CodingColumns.excerpt_ids
    rows: int = 0         # codings in the group (a coding per span: may exceed excerpts)


@dataclass
class CodingColumns:
    """Codings read in bulk: one group per (codebook, code, coder, status, method), its
    excerpts as an integer array; no Python object per coding.

    ``excerpt_ids`` are every excerpt of the project in import order; a group's
    ``excerpts`` index it. A coding with a span counts once per excerpt (a coder who gave
    a code to two spans of an excerpt gave it to the excerpt).
    """
    excerpt_ids: list[str]
    groups: list[CodingGroup]

    def arrays(self) -> tuple[list[str], list[str], np.ndarray, np.ndarray, np.ndarray,
                              np.ndarray]:
        """Flat parallel arrays: ``(codes, coders, excerpt, code, coder, status)`` — the
        code ids and coders (sorted) that ``code`` and ``coder`` index, and ``status``
        indexing ``STATUSES``; one row per group member, groups in query order."""
        import numpy as np

        codes = sorted({g.code_id for g in self.groups})
        coders = sorted({g.coder for g in self.groups})
        code_ix = {c: i for i, c in enumerate(codes)}
        coder_ix = {c: i for i, c in enumerate(coders)}
        sizes = [len(g.excerpts) for g in self.groups]

        def spread(values: list[int]) -> np.ndarray:
            return np.repeat(np.asarray(values, dtype=np.int64), sizes)

        excerpt = (np.concatenate([g.excerpts for g in self.groups]) if self.groups
                   else np.zeros(0, dtype=np.int64))
        return (codes, coders, excerpt, spread([code_ix[g.code_id] for g in self.groups]),
                spread([coder_ix[g.coder] for g in self.groups]),
                spread([STATUSES.index(g.status) for g in self.groups]))

    def tuples(self) -> Iterator[tuple[int, str, str, str, str, int]]:
        """``(codebook id, code id, coder, status, method, excerpt index)`` per member."""
        for g in self.groups:
            for e in g.excerpts.tolist():
                yield g.codebook_id, g.code_id, g.coder, g.status, g.method, e


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of an int array by sorting: numpy 2's default hashes, which profiled
    several times slower on the millions of keys the bulk readers dedupe."""
    import numpy as np

    out = np.sort(values, kind="stable")
    if len(out) > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def _filters(codebook_ids: Sequence[int] | None, statuses: Sequence[str] | None,
             coders: Sequence[str] | None) -> tuple[str, list]:
    where: list[str] = []
    params: list[str | int] = []
    for column, values in (("c.codebook_id", codebook_ids), ("c.status", statuses),
                           ("c.coder", coders)):
        if values is not None:
            if column != "c.codebook_id" or len(values) > 1:
                # Searching an index for several ids, or by status or coder, SQLite would
                # then sort the groups; a unary + keeps it reading the covering index in
                # order (no sort) and testing these on the way.
                column = "+" + column
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def coding_columns_sql(*, codebook_ids: Sequence[int] | None = None,
                       statuses: Sequence[str] | None = None,
                       coders: Sequence[str] | None = None, by_rowid: bool = False
                       ) -> tuple[str, tuple]:
    """The one query behind ``coding_columns`` (exposed for its query-plan test)."""
    where, params = _filters(codebook_ids, statuses, coders)
    if by_rowid:
        member, join = "group_concat(e.rowid)", " JOIN excerpts e ON e.id = c.excerpt_id"
    else:
        member, join = "group_concat(c.excerpt_id, ?)", ""
        params = [_SEP, *params]
    return (f"SELECT c.codebook_id, c.code_id, c.coder, c.status, c.method, {member}, "
            "COUNT(*) "
            f"FROM codings c{join}{where} "
            "GROUP BY c.codebook_id, c.code_id, c.coder, c.status, c.method"), tuple(params)


def coding_columns(store: Store, *, codebook_ids: Sequence[int] | None = None,
                   statuses: Sequence[str] | None = None,
                   coders: Sequence[str] | None = None) -> CodingColumns:
    """Every coding matching the filters (None: any), grouped, with its excerpts as array
    indexes — the bulk read for consumers that need presence, not coding rows.

    One query over the ``codings_columns`` covering index; the excerpt ids come back
    concatenated per group and are turned into indexes with one dict look-up each, which
    is several times cheaper than SQLite joining every coding to its excerpt row.
    """
    import numpy as np

    rows = store.query("SELECT rowid, id FROM excerpts ORDER BY position")
    excerpt_ids = [r[1] for r in rows]
    by_rowid = any(_SEP in e for e in excerpt_ids)
    if by_rowid:
        lookup = {r[0]: i for i, r in enumerate(rows)}
    else:
        lookup = {e: i for i, e in enumerate(excerpt_ids)}
    sql, params = coding_columns_sql(codebook_ids=codebook_ids, statuses=statuses,
                                     coders=coders, by_rowid=by_rowid)
    groups = []
    for codebook_id, code_id, coder, status, method, members, n in store.query(sql, params):
        keys = (map(int, members.split(",")) if by_rowid else members.split(_SEP))
        index = np.fromiter(map(lookup.__getitem__, keys), dtype=np.int64)
        groups.append(CodingGroup(codebook_id, code_id, coder, status, method,
                                  sorted_unique(index), n))
    return CodingColumns(excerpt_ids=excerpt_ids, groups=groups)


def coverage_columns(store: Store, excerpt_ids: list[str],
                     codebook_ids: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """coder → the sorted indexes (into ``excerpt_ids``, every excerpt in import order, as
    ``CodingColumns.excerpt_ids``) of the excerpts that coder reviewed."""
    import numpy as np

    lookup = {e: i for i, e in enumerate(excerpt_ids)}
    where = ""
    params: tuple[int, ...] = ()
    if codebook_ids is not None:
        where = f" WHERE codebook_id IN ({','.join('?' * len(codebook_ids))})"
        params = tuple(codebook_ids)
    out = {}
    # The primary key (coder, excerpt_id, codebook_id) serves the grouping.
    for coder, members in store.query(
            f"SELECT coder, group_concat(excerpt_id, ?) FROM coverage{where} GROUP BY coder",
            (_SEP, *params)):
        out[coder] = members.split(_SEP)
    if any(_SEP in e for e in excerpt_ids):  # the ids cannot be split back: read rows
        out = {}
        for coder, excerpt in store.query(f"SELECT coder, excerpt_id FROM coverage{where}",
                                          params):
            out.setdefault(coder, []).append(excerpt)
    return {coder: sorted_unique(np.fromiter(map(lookup.__getitem__, keys), dtype=np.int64))
            for coder, keys in out.items()}


def _accepted_key() -> tuple[str, str]:
    from thematic.store.corpus import ANALYSED

    # one read serves both: the analysis flag is a column, not a filter (the report's index
    # reads the analysed codings, the CFIR view all of them; a 100k-excerpt report made
    # the same join and sort twice)
    # CROSS JOIN keeps excerpts the outer loop: one pass over them, each one's codings
    # found by codings_unique (excerpt_id first), instead of looking an excerpt up for each
    # of 250k codings (a third less time at 100k excerpts)
    return ("codings.accepted_rows",
            f"SELECT c.excerpt_id, c.codebook_id, c.code_id, c.coder, {ANALYSED} "
            "FROM excerpts e CROSS JOIN codings c ON c.excerpt_id = e.id "
            "WHERE c.status = 'accepted' ORDER BY e.position, c.code_id, c.coder, c.id")


#: The Store.memo key of accepted_rows' read (the audit supplies it to its second process).
ACCEPTED_KEY = _accepted_key()


def accepted_rows(store: Store, coders: list[str] | None = None, *,
                  analysed: bool = True) -> list[tuple[str, int, str, str]]:
    """(excerpt id, codebook id, code id, coder) of every accepted coding by ``coders``
    (None: every coder), in list_codings' order: the report's bulk read, four columns and
    no object per row (list_codings' objects were most of a 100k-excerpt report's read)."""
    sql = ACCEPTED_KEY[1]

    def read() -> tuple[list[tuple[str, int, str, str]], list[tuple[str, int, str, str]]]:
        cursor = store.conn.cursor()
        cursor.row_factory = None          # plain tuples: no sqlite3.Row per coding
        flagged = cursor.execute(sql).fetchall()
        every = [r[:4] for r in flagged]
        return every, [r for r, f in zip(every, flagged) if f[4]]

    # every coder's, kept while the data stays the same and filtered here: the report's
    # index (the evidence coders'), its theme network and the CFIR view each read them
    every, in_analysis = store.memo(ACCEPTED_KEY, read)
    rows = in_analysis if analysed else every
    if coders is None:
        return list(rows)
    keep = set(coders)
    return [r for r in rows if r[3] in keep]
