"""Two coders writing to one project at the same moment, from two processes: the busy
timeout and the retry make both writes land."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from test_coding_support import prepare, rows

from thematic.coding.common import write
from thematic.errors import ThematicError

CODER = r"""
import sys, time
from pathlib import Path
from thematic.coding.manual import add_coding
from thematic.project import open_store
root, coder, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
# The holder has the write lock now (it makes `go` inside its transaction): a write that
# will not wait is refused, so the coders' writes below meet a held lock, every run.
import sqlite3
probe = sqlite3.connect(Path(root) / ".thematic" / "project.db", timeout=0)
try:
    probe.execute("BEGIN IMMEDIATE")
    sys.exit("the holder's write lock was not held")
except sqlite3.OperationalError as exc:
    assert "locked" in str(exc), exc
probe.close()
(go.parent / f"writing-{coder}").touch()
with open_store(root) as store:
    for excerpt in ("F001", "F002", "F003", "F004", "F005", "F006", "F007"):
        for code in ("hope", "stigma", "training"):
            add_coding(store, excerpt, code, coder=coder)
print("done")
"""

HOLDER = r"""
import sys, time
from pathlib import Path
from thematic.project import open_store
root, go = sys.argv[1], Path(sys.argv[2])
with open_store(root) as store, store.transaction("hold"):
    store.execute("INSERT INTO memos (target_kind, target_id, author, text, created_at) "
                  "VALUES ('project', '-', 'holder', 'held', 'now')")
    go.touch()
    # Hold the write lock until both coders are writing, however slowly they start.
    while not all((go.parent / f"writing-{c}").exists() for c in ("ann", "bo")):
        time.sleep(0.005)
print("released")
"""


def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_coders_at_once_both_land(project, tmp_path):
    prepare(project)
    go = tmp_path / "go"
    coders = [spawn(CODER, str(project), name, str(go)) for name in ("ann", "bo")]
    # a third process holds the write lock until both coders have started writing
    holder = spawn(HOLDER, str(project), str(go))
    outputs = [p.communicate(timeout=60) for p in (*coders, holder)]
    assert [p.returncode for p in (*coders, holder)] == [0, 0, 0], outputs
    assert rows(project, "SELECT coder, COUNT(*) FROM codings GROUP BY coder") == [
        ("ann", 21), ("bo", 21)]
    assert rows(project, "SELECT coder, COUNT(*) FROM coverage GROUP BY coder") == [
        ("ann", 7), ("bo", 7)]
    assert rows(project, "SELECT text FROM memos") == [("held",)]
    # the hash chain of the event log stayed intact under contention
    from thematic.project import open_store
    from thematic.store.db import GENESIS, event_hash

    with open_store(project) as store:
        prev = GENESIS
        for e in store.events():
            assert e.prev_hash == prev
            body = json.dumps(e.payload, sort_keys=True, ensure_ascii=False, default=str)
            assert e.hash == event_hash(prev, e.ts, e.actor, e.command, e.action, e.entity,
                                        body)
            prev = e.hash


def test_write_retries_when_the_database_stays_busy(store, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda s: None)
    calls = []

    def work():
        calls.append(1)
        if len(calls) < 3:
            raise ThematicError("E005", seconds=30)
        return "ok"

    assert write(store, "test", work) == "ok"
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(ThematicError, match="E005"):
        write(store, "test", lambda: (_ for _ in ()).throw(ThematicError("E005", seconds=30)))
