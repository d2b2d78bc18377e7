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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

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
               payload: str, key: bytes | None = None) -> str:
    """sha256 over the previous hash and this event's fields (the chain audit re-checks);
    HMAC-SHA256 under ``key`` in keyed mode (THEMATIC_AUDIT_KEY, see store/ledger.py)."""
    blob = "\x1f".join([prev_hash, ts, who, command, action, entity, payload])
    if key is not None:
        import hmac

        return hmac.new(key, blob.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Store:
    """A handle on one project database.

    ``Store(path)`` opens (and migrates) it; use ``with store.transaction(command) as tx``
    for every write and ``store.query`` / ``store.one`` for reads.
    """

    def __init__(self, path: str | os.PathLike, *, migrate: bool = True,
                 create: bool = False) -> None:
        """``create``: the file may be new (``thematic init``); otherwise a missing, empty,
        foreign or damaged file is refused (E667) rather than silently made a new project."""
        self.path = Path(path)
        self.readonly: str | None = None  # why writes are impossible, when they are
        self._depth = 0
        self._command = ""
        self._memo: dict = {}
        self._memo_state: tuple[int, int] | None = None
        self._supplied: dict = {}   # key → where memo takes that value from (supply)
        if not create:
            check_database(self.path)
        try:
            self.conn = _open(self.path, "rw" if not create else "rwc")
            self._setup()
        except sqlite3.OperationalError as exc:
            if not _is_readonly(exc):
                raise translate(exc, self.path) from exc
            self._open_readonly(str(exc))
        except sqlite3.DatabaseError as exc:
            raise translate(exc, self.path) from exc
        if migrate:
            try:
                self.migrate()
            except sqlite3.DatabaseError as exc:
                raise translate(exc, self.path) from exc
            from thematic.store import ledger

            ledger.attach(self)

    def _setup(self) -> None:
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        self._wal()
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()

    def _open_readonly(self, why: str) -> None:
        """Read a project on a read-only disk or folder: status, audit and report still
        work; every transaction is refused with E668."""
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        self.readonly = why
        for mode in ("ro", "ro&immutable=1"):  # immutable: no -shm file can be made
            try:
                self.conn = _open(self.path, mode)
                self.conn.row_factory = sqlite3.Row
                self.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return
            except sqlite3.OperationalError:
                self.conn.close()
            except sqlite3.DatabaseError as exc:
                raise translate(exc, self.path) from exc
        raise ThematicError("E667", path=self.path, problem=f"cannot be opened ({why})")

    def _wal(self) -> None:
        # Another process may hold the lock while it switches to WAL: retry like any write.
        try:
            self.conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if _is_readonly(exc):
                raise
            raise translate(exc, self.path) from exc

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
        if current == 0 and self.scalar("SELECT COUNT(*) FROM sqlite_master WHERE "
                                        "type = 'table'"):
            raise ThematicError("E667", path=self.path, problem="has tables but no "
                                "schema_version table (it is damaged, or not thematic's)")
        applied = []
        for version, name, sql in known:
            if version <= current:
                continue
            self._writable("upgrading the database schema")
            with self._begin():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, now()))
            applied.append(version)
        return applied

    # --- transactions ---------------------------------------------------------------------
    def _writable(self, command: str) -> None:
        if self.readonly is not None:
            raise ThematicError("E668", path=self.path, why=self.readonly, command=command)

    @contextmanager
    def _begin(self) -> Iterator[None]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise translate(exc, self.path) from exc
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise translate(exc, self.path) from exc

    def _rollback(self) -> None:
        # SQLite undoes the whole transaction itself on some errors (a full disk among
        # them); a second ROLLBACK would then fail and hide the error that matters.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

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
        self._writable(f"`thematic {' '.join(command.split()[:2])}`")
        self._command = command
        self._depth = 1
        try:
            with self._begin():
                try:
                    yield self
                except sqlite3.DatabaseError as exc:
                    raise translate(exc, self.path) from exc
        finally:
            self._depth = 0
            self._command = ""

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def tuples(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        """``query`` returning plain tuples (no ``sqlite3.Row`` per row): bulk readers."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: tuple | dict = ()) -> Any:
        # Any, not object: the value is whatever SQLite stored in that column (the caller
        # knows its schema), exactly as sqlite3 itself types row items.
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept while the data stays as it was: a derived value that several
        readers of one command need (the report, its network and the audit each read every
        theme's evidence) is computed once. Any change forgets every kept value: one made
        through this connection moves ``total_changes`` (even if rolled back), a commit by
        another connection or process moves ``PRAGMA data_version``."""
        state = self._data_state()
        if state != self._memo_state:
            self._memo, self._memo_state = {}, state
        if key not in self._memo:
            supplied = self._supplied.pop(key, None)
            value = supplied() if supplied is not None else None
            self._memo[key] = value if value is not None else compute()
        return self._memo[key]

    def kept(self, key: tuple) -> Any:
        """What ``memo`` keeps under ``key`` for the data as it is now (None: nothing)."""
        return self._memo.get(key) if self._data_state() == self._memo_state else None

    def supply(self, key: tuple, source: Callable[[], Any]) -> None:
        """The first ``memo(key, …)`` takes its value from ``source()`` (None from it: computed
        as usual): the audit's second process receives the accepted codings and the themes'
        evidence the first one computed from the same snapshot, rather than computing them
        again."""
        self._supplied[key] = source

    def _data_state(self) -> tuple[int, int]:
        """What moves when the data may have changed (see ``memo``)."""
        return (self.conn.total_changes,
                self.conn.execute("PRAGMA data_version").fetchone()[0])

    def forget(self) -> None:
        """Drop every value ``memo`` keeps (a benchmark times a cold read)."""
        self._memo, self._memo_state = {}, None

    # --- event log ------------------------------------------------------------------------
    def log(self, action: str, entity: str = "", payload: dict | None = None) -> None:
        """Append one event; only inside a transaction, so it commits with the change."""
        if not self._depth:
            raise RuntimeError("Store.log() outside a transaction")
        body = json.dumps(payload or {}, sort_keys=True, ensure_ascii=False, default=str)
        from thematic.store import ledger

        prev = self.scalar("SELECT hash FROM events ORDER BY id DESC LIMIT 1") or GENESIS
        ts, who, key = now(), actor(), ledger.key()
        digest = event_hash(prev, ts, who, self._command, action, entity, body, key)
        cur = self.execute(
            "INSERT INTO events (ts, actor, command, action, entity, payload, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ts, who, self._command, action, entity, body, prev, digest))
        if key is not None and self.get_meta(ledger.KEY_ID) is None:
            # keyed from here on: audit verifies every later event with the key
            self.set_meta(ledger.KEY_ID, ledger.key_id(key))
            self.set_meta(ledger.KEY_SINCE, str(cur.lastrowid))

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


def rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT through ``cur`` just added."""
    if cur.lastrowid is None:  # only after a statement that inserted nothing: a caller bug
        raise RuntimeError("no row was inserted")
    return cur.lastrowid


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


_HEADER = b"SQLite format 3\x00"


def check_database(path: Path) -> None:
    """Refuse, before SQLite sees it, a project database that is missing, a folder, a
    device (/dev/null), empty or not SQLite at all: SQLite would quietly make a new, empty
    database of the first three, and the project would seem to have lost everything."""
    problem = None
    if path.is_dir():
        problem = "is a folder, not a database file"
    elif not path.exists():
        problem = "is missing (the .thematic folder has no project.db)"
    elif not path.is_file():
        problem = "is not a regular file (a device or pipe is in its place)"
    else:
        try:
            with open(path, "rb") as fh:
                head = fh.read(len(_HEADER))
        except OSError as exc:
            raise ThematicError("E667", path=path, problem=f"cannot be read ({exc.strerror})"
                                ) from None
        if not head:
            problem = "is empty (0 bytes)"
        elif head != _HEADER:
            problem = "is not a SQLite database (its first bytes were overwritten)"
    if problem:
        raise ThematicError("E667", path=path, problem=problem)


def _open(path: Path, mode: str) -> sqlite3.Connection:
    from urllib.parse import quote

    return sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True,
                           timeout=BUSY_SECONDS, isolation_level=None,
                           check_same_thread=False)


def coder_sql(coders: list[str] | None, column: str = "c.coder") -> tuple[str, tuple]:
    """The SQL that keeps only ``coders``' rows (None: everyone's; []: no one's) and its
    parameters; ``column`` may be written "+c.coder" to keep SQLite from an index on it."""
    if coders is None:
        return "", ()
    if not coders:
        return " AND 0", ()
    return f" AND {column} IN ({','.join('?' * len(coders))})", tuple(coders)


def _is_readonly(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def translate(exc: sqlite3.Error, path: Path) -> Exception:
    """A numbered error for what SQLite reports about the file itself: busy, full, damaged,
    read-only; anything else is returned unchanged (a bug to report)."""
    text = str(exc).lower()
    if isinstance(exc, ThematicError):
        return exc
    if "locked" in text or "busy" in text:
        return ThematicError("E005", seconds=BUSY_SECONDS)
    if "disk is full" in text or "disk i/o" in text:
        return ThematicError("E006", path=path)
    if "malformed" in text or "not a database" in text or "no such table" in text:
        return ThematicError("E667", path=path, problem=f"is damaged (SQLite: {exc})")
    if _is_readonly(exc):
        return ThematicError("E668", path=path, why=str(exc), command="this command")
    return exc
