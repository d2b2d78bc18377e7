"""Typed access to codings, coder coverage and memos (the coding room owns the logic).

Statuses: ``proposed`` (an automatic suggestion nobody has reviewed), ``accepted`` (counts
as evidence), ``rejected`` (kept for the record). Evidence for themes, networks and
reports is always the ``accepted`` codings.
"""

from __future__ import annotations

from dataclasses import dataclass

from thematic.store.db import Store, now


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
    status: str = "accepted"
    memo: str | None = None
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


_COLUMNS = ("excerpt_id", "codebook_id", "code_id", "coder", "start", "end", "method",
            "origin", "score", "status", "memo")


def add_codings(store: Store, codings: list[Coding]) -> int:
    """Insert codings; an identical one (same excerpt, code, coder, span) is left as it is.
    Returns how many were new."""
    before = store.conn.total_changes
    stamp = now()
    store.executemany(
        f"INSERT OR IGNORE INTO codings ({', '.join(_COLUMNS)}, created_at, updated_at) "
        f"VALUES ({','.join('?' * (len(_COLUMNS) + 2))})",
        [(*(getattr(c, k) for k in _COLUMNS), stamp, stamp) for c in codings])
    return store.conn.total_changes - before


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
    stamp = now()
    store.executemany("INSERT OR IGNORE INTO coverage (coder, excerpt_id, codebook_id, "
                      "reviewed_at) VALUES (?, ?, ?, ?)",
                      [(coder, e, codebook_id, stamp) for e in excerpt_ids])


def coverage(store: Store, coder: str | None = None, codebook_id: int | None = None
             ) -> dict[str, set[str]]:
    """coder → the excerpt ids that coder has reviewed."""
    where, params = [], []
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
    return int(cur.lastrowid)


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
