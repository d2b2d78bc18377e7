"""The reports a project rendered: their record, and the event-log head.

``thematic report`` records each report it writes (how it was rendered and the head of the
event log it was rendered from) in the same transaction as its "report render" event, so
``thematic audit`` can re-render it and notice when one is missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from thematic.store.db import GENESIS, Store, now

#: The event a report render writes; it changes no evidence, so a report stays current.
RENDER = "report render"


@dataclass
class ReportRecord:
    path: str
    format: str
    options: dict = field(default_factory=dict)
    head_seq: int = 0
    head_hash: str = GENESIS
    sha256: str = ""
    rendered_at: str = ""


def head(store: Store) -> tuple[int, str]:
    """(id, hash) of the newest event that is not a report render, (0, GENESIS) for none:
    the state a report is rendered from (rendering twice gives the same report)."""
    row = store.one("SELECT id, hash FROM events WHERE action != ? ORDER BY id DESC LIMIT 1",
                    (RENDER,))
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def event_at(store: Store, seq: int) -> tuple[str, str] | None:
    """(hash, action) of event ``seq``, if it is in the log."""
    row = store.one("SELECT hash, action FROM events WHERE id = ?", (seq,))
    return (str(row[0]), str(row[1])) if row else None


def changes_since(store: Store, seq: int) -> list[dict]:
    """Events after ``seq`` that can change what a report says (renders aside)."""
    return [dict(r) for r in store.query(
        "SELECT id, action, entity, ts FROM events WHERE id > ? AND action != ? ORDER BY id",
        (seq, RENDER))]


def last_change_ts(store: Store) -> str | None:
    """The time of the newest event that is not a report render (the report's date)."""
    return store.scalar("SELECT ts FROM events WHERE action != ? ORDER BY id DESC LIMIT 1",
                        (RENDER,))


def record(store: Store, rec: ReportRecord) -> None:
    """Insert or replace the record of one report (inside the caller's transaction)."""
    store.execute(
        "INSERT INTO reports (path, format, options, head_seq, head_hash, sha256, "
        "rendered_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
        "format = excluded.format, options = excluded.options, head_seq = excluded.head_seq,"
        " head_hash = excluded.head_hash, sha256 = excluded.sha256, "
        "rendered_at = excluded.rendered_at",
        (rec.path, rec.format, json.dumps(rec.options, sort_keys=True, ensure_ascii=False),
         rec.head_seq, rec.head_hash, rec.sha256, rec.rendered_at or now()))


def records(store: Store) -> list[ReportRecord]:
    """Every recorded report, by path."""
    return [_rec(r) for r in store.query("SELECT * FROM reports ORDER BY path")]


def get(store: Store, path: str) -> ReportRecord | None:
    row = store.one("SELECT * FROM reports WHERE path = ?", (path,))
    return _rec(row) if row else None


def _rec(row) -> ReportRecord:
    return ReportRecord(path=row["path"], format=row["format"],
                        options=json.loads(row["options"]), head_seq=int(row["head_seq"]),
                        head_hash=row["head_hash"], sha256=row["sha256"],
                        rendered_at=row["rendered_at"])
