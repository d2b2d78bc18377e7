"""Tamper evidence: rows changed behind the log's back are named; a history rewritten and
re-hashed is caught by the head a report recorded, or (keyed mode) by the key alone."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_report_fixtures import build

from thematic.store.db import GENESIS, event_hash


def shell(project, *statements: str) -> None:
    """What a user with the sqlite3 shell can do (no thematic connection, no triggers)."""
    conn = sqlite3.connect(project / ".thematic" / "project.db")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def rewrite_history(project, event_id: int, entity: str, key: bytes | None = None) -> None:
    """Edit one event and recompute every hash after it, as a careful forger would."""
    conn = sqlite3.connect(project / ".thematic" / "project.db")
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET entity = ? WHERE id = ?", (entity, event_id))
    prev = GENESIS
    for row in conn.execute("SELECT id, ts, actor, command, action, entity, payload "
                            "FROM events ORDER BY id").fetchall():
        digest = event_hash(prev, *row[1:], key)
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?",
                     (prev, digest, row[0]))
        prev = digest
    conn.commit()
    conn.close()


def audit(run) -> tuple[int, list[dict]]:
    result = run("audit", "--json")
    return result.exit_code, [p for p in json.loads(result.output)["problems"]
                              if p["severity"] == "error"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The report fixture with its report rendered and audited clean, built once for the
    module; each test forges its own copy (``built``)."""
    from click.testing import CliRunner

    from thematic.cli.main import cli
    from thematic.project import init

    project = init(tmp_path_factory.mktemp("tamper") / "proj")

    def run(*args):
        return CliRunner().invoke(cli, ["--project", str(project), *args],
                                  catch_exceptions=False)

    build(project)
    assert run("report").exit_code == 0
    assert audit(run) == (0, [])
    return project


@pytest.fixture
def built(project, built_once):
    import shutil

    shutil.rmtree(project)
    shutil.copytree(built_once, project)
    return project


def test_update_of_codings_behind_the_log_is_named_even_after_a_new_report(built, run):
    shell(built, "UPDATE codings SET code_id = 'stigma' WHERE id = 3")
    assert run("report").exit_code == 0      # the forger renders a fresh report
    code, found = audit(run)
    assert code == 1
    [p] = [p for p in found if p["check"] == "row-without-event"]
    assert p["where"] == {"table": "codings", "rows": ["3"]}
    assert p["message"].startswith("1 row(s) of codings were changed outside thematic")


def test_deleted_and_inserted_rows_are_named(built, run):
    shell(built, "DELETE FROM theme_codes WHERE code_id = 'stigma'",
          "INSERT INTO excerpts (id, source_id, text, text_sha, file_id, start, end, location, "
          "position, attributes, created_at) SELECT 'F99', source_id, 'Invented.', text_sha, "
          "file_id, start, end, location, 99, attributes, created_at FROM excerpts "
          "WHERE id = 'F1'")
    _, found = audit(run)
    where = [p["where"] for p in found if p["check"] == "row-without-event"]
    assert {"table": "excerpts", "rows": ["F99"]} in where
    assert any(w["table"] == "theme_codes" for w in where)


def test_a_rehashed_history_breaks_the_head_the_report_recorded(built, run):
    rewrite_history(built, 2, "forged")
    code, found = audit(run)
    assert code == 1
    assert "report-head-mismatch" in {p["check"] for p in found}
    assert "event-chain" not in {p["check"] for p in found}   # unkeyed: the chain recomputes


def test_keyed_mode_detects_a_rehashed_history_without_a_report(project, run, monkeypatch):
    monkeypatch.setenv("THEMATIC_AUDIT_KEY", "s3cret")
    build(project)
    assert audit(run) == (0, [])
    rewrite_history(project, 3, "forged")          # the forger has no key
    code, found = audit(run)
    assert code == 1
    assert [p["check"] for p in found] == ["event-chain"]
    monkeypatch.setenv("THEMATIC_AUDIT_KEY", "wrong")
    assert "event-key" in {p["check"] for p in audit(run)[1]}
