"""Tamper evidence for the tables evidence rests on: a row ledger and a keyed log.

Every change thematic makes to codings, excerpts, themes, theme_codes and theme_topics
passes a TEMPORARY trigger (created on each connection a Store opens, so it lives in no
database file) that writes the row as it now is to ``ledger_<table>``: its values joined
(an excerpt's text as its text_sha, which audit checks against the text), all in SQL so
bulk writes stay fast. A row changed by anything else (the sqlite3 shell, another program)
no longer matches: ``changed_rows`` names it. The ledger starts when a project first opens
with this version (its rows then are the baseline).

With ``THEMATIC_AUDIT_KEY`` set, the ledger keeps a keyed BLAKE2b of each row instead (when
it starts keyed) and events are HMAC-SHA256 under the key (from the first write with it),
so neither can be recomputed by someone without the key: a history rewritten and re-hashed
is detected from the database alone, without a report.
"""

from __future__ import annotations

import hashlib
import os

KEY_ENV = "THEMATIC_AUDIT_KEY"
MODE = "ledger_mode"              # meta: "plain" or "hmac:<key id>" (keyed BLAKE2b)
KEY_ID = "audit_key_id"           # meta: the key id events are keyed with
KEY_SINCE = "audit_key_since"     # meta: the first keyed event

#: table → (key columns, the other columns the hash covers)
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "codings": (("id",), ("excerpt_id", "codebook_id", "code_id", "coder", "start", "end",
                          "method", "origin", "score", "status", "memo")),
    "excerpts": (("id",), ("source_id", "text_sha", "file_id", "start", "end",
                           "location", "position", "attributes")),
    "themes": (("id",), ("name", "description", "level", "parent_id", "run_id", "topic",
                         "position")),
    "theme_codes": (("theme_id", "codebook", "code_id"), ()),
    "theme_topics": (("theme_id", "run_id", "topic"), ()),
}


def key() -> bytes | None:
    value = os.environ.get(KEY_ENV)
    return value.encode("utf-8") if value else None


def key_id(secret: bytes) -> str:
    """A public name for a key (so audit can say which key a log was written with)."""
    return hashlib.sha256(b"thematic-key-id\x1f" + secret).hexdigest()[:16]


def digest(blob: str, secret: bytes) -> str:
    """A row's keyed hash (BLAKE2b with a key is a MAC)."""
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=16, key=secret).hexdigest()


def _key_sql(cols: tuple[str, ...], prefix: str) -> str:
    if cols == ("id",):
        return f"{prefix}.id"
    return " || char(31) || ".join(f"CAST({prefix}.{c} AS TEXT)" for c in cols)


def _value_sql(table: str, row: str, keyed: bool, bound: bool = False) -> str:
    """A row's ledger value in SQL. ``bound``: NUL and the separator as the parameters ?1
    and ?2 (BOUND) instead of char() calls, the same text for a fifth less time per row
    (the audit reads 250k codings); triggers keep char(), having no parameters."""
    keys, cols = TABLES[table]
    nul, sep = ("?1", "?2") if bound else ("char(0)", "char(31)")
    joined = f" || {sep} || ".join(f"IFNULL(CAST({row}.{c} AS TEXT), {nul})"
                                   for c in (*keys, *cols))
    return f"thematic_rowmac({joined})" if keyed else joined


#: The parameters of ``_value_sql(..., bound=True)``.
BOUND = ("\0", "\x1f")


def attach(store) -> None:
    """This connection's temporary triggers (and the MAC function in keyed mode); start the
    ledger (baseline) the first time a project opens with it."""
    if not store.scalar("SELECT 1 FROM sqlite_master WHERE name = 'ledger_codings'"):
        return
    mode, secret = store.get_meta(MODE), key()
    keyed = (mode is None and secret is not None) or (
        mode is not None and mode.startswith("hmac:"))
    if keyed and (secret is None or mode not in (None, f"hmac:{key_id(secret)}")):
        # a keyed ledger written without its key: these rows will not verify (README)
        secret = b"\0"
    if keyed:
        store.conn.create_function("thematic_rowmac", 1,
                                   lambda blob, k=secret: digest(blob, k), deterministic=True)
    for table, (keys, _) in TABLES.items():
        for when, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"ledger_{table}_{when.lower()}"
            body = (f"DELETE FROM ledger_{table} WHERE key = {_key_sql(keys, 'OLD')};"
                    if when != "INSERT" else "")
            if when != "DELETE":
                body += (f" INSERT OR REPLACE INTO ledger_{table} (key, v) VALUES "
                         f"({_key_sql(keys, row)}, {_value_sql(table, row, keyed)});")
            store.conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS {name} AFTER {when} ON "
                               f"main.{table} BEGIN {body} END")
    if mode is None:
        _baseline(store, f"hmac:{key_id(secret)}" if keyed and secret else "plain", keyed)


def _baseline(store, mode: str, keyed: bool) -> None:
    import sqlite3

    try:
        store.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return  # busy or read-only: the next opening starts it
    try:
        for table, (keys, _) in TABLES.items():
            store.conn.execute(
                f"INSERT OR REPLACE INTO ledger_{table} (key, v) SELECT "
                f"{_key_sql(keys, table)}, {_value_sql(table, table, keyed)} FROM {table}")
        store.set_meta(MODE, mode)
        store.conn.execute("COMMIT")
    except sqlite3.Error:
        store.conn.execute("ROLLBACK")


def changed_rows(store, limit: int = 20) -> dict[str, dict]:
    """table → {"changed": keys, "added": keys, "removed": keys, "n_…": counts}: rows that
    are not as thematic last wrote them (at most ``limit`` keys of each kind); an
    excerpt whose text no longer has its text_sha counts as changed."""
    keyed = (store.get_meta(MODE) or "").startswith("hmac:")
    out: dict[str, dict] = {}
    for table, (keys, _) in TABLES.items():
        key_t = _key_sql(keys, "t")
        found: dict[str, list] = {"changed": [], "added": [], "removed": []}
        counts = {"changed": 0, "added": 0, "removed": 0}

        def note(kind: str, k: object, counts=counts, found=found) -> None:
            counts[kind] += 1
            if len(found[kind]) < limit:
                found[kind].append(str(k))

        for k, stored in store.query(
                f"SELECT {key_t}, l.v FROM {table} t LEFT JOIN ledger_{table} l "
                f"ON l.key = {key_t} WHERE l.v IS NOT {_value_sql(table, 't', keyed, True)}",
                BOUND):
            note("added" if stored is None else "changed", k)
        for (k,) in store.query(f"SELECT l.key FROM ledger_{table} l LEFT JOIN {table} t "
                                f"ON {key_t} = l.key WHERE t.rowid IS NULL"):
            note("removed", k)
        if table == "excerpts":
            for k, text, sha in store.query("SELECT id, text, text_sha FROM excerpts"):
                if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
                    note("changed", k)
        if any(counts.values()):
            out[table] = {**found, **{f"n_{k}": v for k, v in counts.items()}}
    return out


def mode(store) -> str | None:
    return store.get_meta(MODE)
