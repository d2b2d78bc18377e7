"""Bulk writes: many rows inserted by one command (an import, auto-coding's proposals).

The row ledger (store/ledger.py) records every insert into ``codings`` and ``excerpts``
through a temporary trigger, which runs its program once per row: at 50k excerpts it cost
four times the insert itself (profiled). Inside ``ledger_in_bulk`` that trigger is dropped
and the same ledger rows (the very expressions the trigger evaluates) are written by one
``INSERT … SELECT`` over the rows the block added, before the transaction commits; the
trigger is then put back. The ledger ends up exactly as the trigger would have left it.

PRAGMAs for bulk work are the connection's own (store/db.py): WAL, ``synchronous = FULL``
and a 64 MiB page cache. A bulk command writes in ONE transaction with ``executemany`` over
prepared tuples, so it pays one fsync at its COMMIT; nothing is relaxed for it, so a
command that returned is on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from thematic.store import ledger
from thematic.store.db import Store


@contextmanager
def ledger_in_bulk(store: Store, table: str) -> Iterator[None]:
    """Within a transaction: rows this block INSERTs into ``table`` (and nothing else it
    does to that table) reach the ledger in one statement at the block's end. SQLite gives
    a new row the highest rowid plus one (until a table holds rowid 2^63 - 1), so "added by
    the block" is a rowid above the highest one before it."""
    name = f"ledger_{table}_insert"
    sql = store.scalar("SELECT sql FROM sqlite_temp_master WHERE type = 'trigger' AND "
                       "name = ?", (name,))
    if sql is None or table not in ledger.TABLES:   # no ledger on this connection
        yield
        return
    before = store.scalar(f"SELECT IFNULL(MAX(rowid), 0) FROM main.{table}")
    store.execute(f"DROP TRIGGER temp.{name}")
    try:
        yield
        keys, _ = ledger.TABLES[table]
        keyed = "thematic_rowmac" in sql
        store.execute(
            f"INSERT OR REPLACE INTO ledger_{table} (key, v) SELECT "
            f"{ledger._key_sql(keys, 'NEW')}, {ledger._value_sql(table, 'NEW', keyed)} "
            f"FROM main.{table} AS NEW WHERE NEW.rowid > ? ORDER BY NEW.rowid", (before,))
    finally:
        # sqlite_temp_master keeps the statement without TEMP and IF NOT EXISTS
        store.execute(sql.replace("CREATE TRIGGER", "CREATE TEMP TRIGGER IF NOT EXISTS", 1))
