"""Typed access to CFIR valence (excerpt direction) and construct ratings."""

from __future__ import annotations

from dataclasses import dataclass

from thematic.store.db import Store, now, rowid


@dataclass
class Valence:
    excerpt_id: str
    coder: str
    direction: str            # barrier | facilitator | mixed | neutral
    method: str               # rule | manual
    origin: str | None = None
    why: str | None = None
    created_at: str | None = None


@dataclass
class Rating:
    case_id: str
    construct: str
    rating: str               # -2 -1 0 +1 +2 X
    rater: str
    why: str
    evidence: int
    created_at: str | None = None
    id: int | None = None


def set_valences(store: Store, rows: list[Valence]) -> int:
    """Insert or replace each coder's direction for its excerpt; returns rows written."""
    stamp = now()
    store.executemany(
        "INSERT INTO cfir_valence (excerpt_id, coder, direction, method, origin, why, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(excerpt_id, coder) DO UPDATE "
        "SET direction = excluded.direction, method = excluded.method, origin = "
        "excluded.origin, why = excluded.why, created_at = excluded.created_at",
        [(r.excerpt_id, r.coder, r.direction, r.method, r.origin, r.why, stamp) for r in rows])
    return len(rows)


def list_valences(store: Store, coder: str | None = None) -> list[Valence]:
    sql = "SELECT v.* FROM cfir_valence v JOIN excerpts e ON e.id = v.excerpt_id"
    params: tuple = ()
    if coder is not None:
        sql += " WHERE v.coder = ?"
        params = (coder,)
    sql += " ORDER BY e.position, v.method DESC, v.coder"
    return [Valence(**{k: r[k] for k in r.keys()}) for r in store.query(sql, params)]


def add_rating(store: Store, row: Rating) -> int:
    cur = store.execute(
        "INSERT INTO cfir_ratings (case_id, construct, rating, rater, why, evidence, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (row.case_id, row.construct, row.rating, row.rater, row.why, row.evidence, now()))
    return rowid(cur)


def list_ratings(store: Store, *, history: bool = False) -> list[Rating]:
    """The ratings in force (the newest per case and construct), or every one with
    ``history``; oldest first."""
    sql = "SELECT * FROM cfir_ratings"
    if not history:
        sql += (" WHERE id IN (SELECT MAX(id) FROM cfir_ratings GROUP BY case_id, "
                "construct)")
    sql += " ORDER BY id"
    return [Rating(**{k: r[k] for k in r.keys()}) for r in store.query(sql)]


def clear_valences(store: Store, coder: str) -> None:
    """Forget every direction ``coder`` recorded (the rule re-reads everything)."""
    store.execute("DELETE FROM cfir_valence WHERE coder = ?", (coder,))


def clear_meta(store: Store, key: str) -> None:
    store.execute("DELETE FROM meta WHERE key = ?", (key,))
