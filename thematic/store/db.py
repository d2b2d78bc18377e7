"""The project database: connection, transactions, migrations and the event log.

The store is the single source of truth. Every command that changes it does so inside one
``Store.transaction()``, which also appends to the hash-chained event log, so a failed or
interrupted command leaves the database as it was and an edited history can be detected.

Settings for bulk work (every connection; chosen so that a finished command is on disk):

* ``journal_mode = WAL`` — readers (``agree``, ``report``) never block the one writer, and
  a write transaction appends pages to the WAL instead of copying them to a rollback
  journal first.
* ``synchronous = FULL`` — kept at SQLite's safe default on purpose: every COMMIT fsyncs
  the WAL, so a command that returned has survived a power cut. Bulk commands (import,
  auto-coding) write everything in ONE transaction with ``executemany`` over prepared
  tuples, so they pay for one fsync, not one per row; ``NORMAL`` would save nothing
  there and could lose the last command.
* ``cache_size = -65536`` (64 MiB, a ceiling, not an allocation) — a large import or
  proposal write touches several B-trees at once (table, primary key, indexes); with
  SQLite's 2 MiB default their dirty pages spill to the WAL mid-transaction and are
  written again later. Memory stays flat: the cache never grows beyond this.
* ``foreign_keys = ON`` and a 30 s ``busy_timeout`` (correctness, not speed).

Bulk readers use one grouped query per need over a covering index (see
``codings.coding_columns``), not one Python object per row.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from thematic.errors import ThematicError

BUSY_SECONDS = 30.0
CACHE_KIB = 65536  # the page cache's ceiling (see the module docstring)
GENESIS = "0" * 64


def now() -> str:
    """UTC timestamp, second resolution, ISO 8601 (what the event log and rows store).

    SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes the clock, so a project
    built twice from the same inputs, and the report made from it, are byte-identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = time.gmtime(int(epoch)) if epoch else time.gmtime()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", moment)


def actor() -> str:
    """Who is acting: THEMATIC_USER, else the login name."""
    return os.environ.get("THEMATIC_USER") or _login()


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every packaged migration, in order."""
    found = []
    for entry in resources.files("thematic.store.migrations").iterdir():
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


@dataclass(frozen=True)
class Event:
    """One event as stored: ``body`` is the payload's JSON text, which the hash covers."""
    id: int
    ts: str
    actor: str
    command: str
    action: str
    entity: str
    body: str
    prev_hash: str
    hash: str

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    def to_dict(self) -> dict:
        """The event with its payload parsed (what ``thematic log --json`` shows)."""
        return {"id": self.id, "ts": self.ts, "actor": self.actor, "command": self.command,
                "action": self.action, "entity": self.entity, "payload": self.payload,
                "prev_hash": self.prev_hash, "hash": self.hash}


def event_hash(prev_hash: str, ts: str, who: str, command: str, action: str, entity: str,
               payload: str) -> str:
    """sha256 over the previous hash and this event's fields (the chain audit re-checks)."""
    blob = "\x1f".join([prev_hash, ts, who, command, action, entity, payload])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Store:
    """A handle on one project database.

    ``Store(path)`` opens (and migrates) it; use ``with store.transaction(command) as tx``
    for every write and ``store.query`` / ``store.one`` for reads.
    """

    def __init__(self, path: str | os.PathLike, *, migrate: bool = True) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None,
                                    check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        self._wal()
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._depth = 0
        self._command = ""
        if migrate:
            self.migrate()

    def _wal(self) -> None:
        # Another process may hold the lock while it switches to WAL: retry like any write.
        try:
            self.conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            raise _translate(exc, self.path) from exc

    # --- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema ---------------------------------------------------------------------------
    @property
    def version(self) -> int:
        try:
            row = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        except sqlite3.OperationalError:
            return 0
        return row[0] or 0

    def migrate(self) -> list[int]:
        """Apply the packaged migrations the database lacks, each in its own transaction."""
        known = migrations()
        current = self.version
        newest = known[-1][0] if known else 0
        if current > newest:
            raise ThematicError("E004", path=self.path, found=current, known=newest)
        applied = []
        for version, name, sql in known:
            if version <= current:
                continue
            with self._begin():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, now()))
            applied.append(version)
        return applied

    # --- transactions ---------------------------------------------------------------------
    @contextmanager
    def _begin(self) -> Iterator[None]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _translate(exc, self.path) from exc
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self.conn.execute("ROLLBACK")
            raise _translate(exc, self.path) from exc

    @contextmanager
    def transaction(self, command: str) -> Iterator[Store]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT); nested calls join the outer one.

        Any exception, KeyboardInterrupt included, rolls everything back.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._command = command
        self._depth = 1
        try:
            with self._begin():
                try:
                    yield self
                except sqlite3.OperationalError as exc:
                    raise _translate(exc, self.path) from exc
        finally:
            self._depth = 0
            self._command = ""

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: tuple | dict = ()) -> object:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # --- event log ------------------------------------------------------------------------
    def log(self, action: str, entity: str = "", payload: dict | None = None) -> None:
        """Append one event; only inside a transaction, so it commits with the change."""
        if not self._depth:
            raise RuntimeError("Store.log() outside a transaction")
        body = json.dumps(payload or {}, sort_keys=True, ensure_ascii=False, default=str)
        prev = self.scalar("SELECT hash FROM events ORDER BY id DESC LIMIT 1") or GENESIS
        ts, who = now(), actor()
        digest = event_hash(prev, ts, who, self._command, action, entity, body)
        self.execute(
            "INSERT INTO events (ts, actor, command, action, entity, payload, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ts, who, self._command, action, entity, body, prev, digest))

    def events(self) -> Iterator[Event]:
        """Every event, oldest first, streamed (the log can be long; list() it to index)."""
        cur = self.execute("SELECT id, ts, actor, command, action, entity, payload, "
                           "prev_hash, hash FROM events ORDER BY id")
        for row in cur:
            yield Event(*row)

    # --- settings -------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        self.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows about quotes)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _translate(exc: sqlite3.OperationalError, path: Path) -> Exception:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return ThematicError("E005", seconds=BUSY_SECONDS)
    if "disk is full" in text or "disk i/o" in text:
        return ThematicError("E006", path=path)
    return exc
