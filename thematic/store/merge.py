"""Row access for ``thematic merge`` (the interop room's ``merge`` module owns the logic):
whole tables of another copy read as dicts, rows copied in as they are, the conflicts a
merge keeps apart, and the merged copies' event chains."""

from __future__ import annotations

import json

from thematic.store.db import GENESIS, Store, event_hash, now, rowid

# The tables a merge reads and writes, with the columns it copies (row ids are not copied:
# each copy numbers its own rows).
COLUMNS = {
    "sources": ("id", "first_author", "authors", "year", "title", "journal", "doi", "design",
                "population", "setting", "intervention_type", "country", "attributes",
                "location", "created_at"),
    "excerpts": ("id", "source_id", "text", "text_sha", "start", "end", "location",
                 "position", "attributes", "created_at"),
    "codebooks": ("id", "name", "version", "hash", "title", "metadata", "content",
                  "source_path", "loaded_at", "current"),
    "codes": ("codebook_id", "id", "parent", "name", "definition", "codable", "position",
              "data"),
    "codings": ("excerpt_id", "codebook_id", "code_id", "coder", "start", "end", "method",
                "origin", "score", "status", "memo", "created_at", "updated_at"),
    "coverage": ("coder", "excerpt_id", "codebook_id", "reviewed_at"),
    "memos": ("target_kind", "target_id", "author", "text", "created_at"),
    "themes": ("id", "name", "description", "level", "parent_id", "position", "created_at"),
    "theme_codes": ("theme_id", "codebook", "code_id"),
    "refi_guids": ("kind", "key", "guid"),
    "assignment_runs": ("id", "coders", "sample", "seed", "strata", "blind", "unblinded_at",
                        "created_at"),
    "assignments": ("run_id", "coder", "excerpt_id", "double"),
    "blind_decisions": ("coder", "excerpt_id", "codebook_id", "code_id", "proposer", "start",
                        "end", "decision", "decided_at"),
    "merged_events": ("hash", "id", "ts", "actor", "command", "action", "entity", "payload",
                      "prev_hash"),
}


def rows(store: Store, table: str) -> list[dict]:
    """Every row of a merged table (in rowid order), the copied columns only."""
    columns = COLUMNS[table]
    quoted = ", ".join(f'"{c}"' for c in columns)
    return [dict(zip(columns, r)) for r in store.query(
        f"SELECT {quoted} FROM {table} ORDER BY rowid")]


def insert(store: Store, table: str, items: list[dict], *, skip_id: bool = False) -> int:
    """INSERT OR IGNORE rows (dicts with the table's copied columns); returns how many were
    new. ``skip_id`` leaves the integer id to SQLite."""
    if not items:
        return 0
    columns = [c for c in COLUMNS[table] if not (skip_id and c == "id")]
    quoted = ", ".join(f'"{c}"' for c in columns)
    # rowcount: this statement's rows only (total_changes adds the ledger's trigger writes)
    cur = store.executemany(f"INSERT OR IGNORE INTO {table} ({quoted}) VALUES "
                      f"({', '.join('?' * len(columns))})",
                      [tuple(item[c] for c in columns) for item in items])
    return max(cur.rowcount, 0)


def insert_one(store: Store, table: str, item: dict) -> int:
    """Insert one row letting SQLite number it; returns the new row id."""
    columns = [c for c in COLUMNS[table] if c != "id"]
    quoted = ", ".join(f'"{c}"' for c in columns)
    cur = store.execute(f"INSERT INTO {table} ({quoted}) VALUES "
                        f"({', '.join('?' * len(columns))})", tuple(item[c] for c in columns))
    return rowid(cur)


def events(store: Store) -> list[dict]:
    """This copy's own events as merged_events rows."""
    return [{"hash": e.hash, "id": e.id, "ts": e.ts, "actor": e.actor, "command": e.command,
             "action": e.action, "entity": e.entity, "payload": e.body,
             "prev_hash": e.prev_hash} for e in store.events()]


def event_hashes(store: Store) -> set[str]:
    return {r[0] for r in store.query("SELECT hash FROM events UNION SELECT hash FROM "
                                      "merged_events")}


def head(store: Store) -> str:
    return str(store.scalar("SELECT hash FROM events ORDER BY id DESC LIMIT 1") or GENESIS)


def verify_chain(store: Store, tip: str) -> tuple[int, str | None]:
    """Walk a chain back from ``tip`` to genesis through this log and the merged events,
    re-computing every hash. Returns (events checked, the first problem or None)."""
    by_hash = {e["hash"]: e for e in events(store)}
    by_hash.update({e["hash"]: e for e in rows(store, "merged_events")})
    n, current = 0, tip
    while current != GENESIS:
        e = by_hash.get(current)
        if e is None:
            return n, f"event {current[:12]}… is missing"
        if event_hash(e["prev_hash"], e["ts"], e["actor"], e["command"], e["action"],
                      e["entity"], e["payload"]) != e["hash"]:
            return n, f"event {e['id']} ({e['action']}) does not match its hash"
        n, current = n + 1, e["prev_hash"]
    return n, None


def add_conflicts(store: Store, other: str, items: list[tuple[str, str, object, object]]
                  ) -> int:
    """(kind, key, ours, theirs) conflicts; one already recorded is not added again."""
    stamp = now()
    # rowcount: this statement's rows only (total_changes adds the ledger's trigger writes)
    cur = store.executemany(
        "INSERT OR IGNORE INTO merge_conflicts (kind, key, other, ours, theirs, found_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(k, key, other, _json(o), _json(t), stamp) for k, key, o, t in items])
    return max(cur.rowcount, 0)


def conflicts(store: Store) -> list[dict]:
    return [{**dict(r), "ours": json.loads(r["ours"]), "theirs": json.loads(r["theirs"])}
            for r in store.query("SELECT * FROM merge_conflicts ORDER BY id")]


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
