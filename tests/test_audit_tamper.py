"""Tamper evidence: rows changed behind the log's back are named; a history rewritten and
re-hashed is caught by the head a report recorded, or (keyed mode) by the key alone; a
figure replaced, deleted or drawn from other data is named."""

from __future__ import annotations

import hashlib
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


# --- figures: audit does not draw the theme network and heatmap again, but checks each
# against the digest of the data it was drawn from and its PNG's SHA-256, both kept in the
# project's record of the report (never in the Markdown, whose bytes must not depend on the
# machine's matplotlib)

FOLDER = ("reports", "report")


def figure(project, name: str):
    return project.joinpath(*FOLDER, f"{name}.png")


def record(project) -> dict:
    from thematic.project import open_store
    from thematic.store import reports as rdb

    with open_store(project) as store:
        return rdb.get(store, "reports/report.md").options


def test_the_record_keeps_each_figure_digest_and_the_trailer_does_not(built):
    files = record(built)["figure_files"]
    assert sorted(files) == ["theme-network", "theme-study-heatmap"]
    for ident, f in files.items():
        assert f["path"] == f"report/{ident}.png"
        assert f["sha256"] == hashlib.sha256(figure(built, ident).read_bytes()).hexdigest()
        assert len(f["input"]) == 64
    trailer = built.joinpath("reports", "report.md").read_text(encoding="utf-8")
    assert "figure_files" not in trailer and files["theme-network"]["sha256"] not in trailer


def test_a_replaced_png_is_named(built, run):
    heatmap, network = figure(built, "theme-study-heatmap"), figure(built, "theme-network")
    heatmap.write_bytes(network.read_bytes())
    code, found = audit(run)
    assert code == 1
    [p] = found
    assert p["check"] == "report-figure-differs"
    assert p["where"]["figure"] == "report/theme-study-heatmap.png"
    assert "is not the file that was drawn" in p["message"]


def test_a_deleted_png_is_named(built, run):
    figure(built, "theme-network").unlink()
    code, found = audit(run)
    assert code == 1
    assert [(p["check"], p["where"]["figure"]) for p in found] == [
        ("report-figure-differs", "report/theme-network.png")]
    assert "is missing" in found[0]["message"]


def test_a_figure_drawn_from_other_data_is_named(built, run):
    # a record whose heatmap was drawn from data other than the store's
    files = record(built)["figure_files"]
    files["theme-study-heatmap"]["input"] = "0" * 64
    shell(built, "UPDATE reports SET options = json_set(options, '$.figure_files', json('"
          + json.dumps(files) + "'))")
    code, found = audit(run)
    assert code == 1
    [p] = [p for p in found if p["check"] == "report-figure-differs"]
    assert p["where"]["figure"] == "report/theme-study-heatmap.png"
    assert "was drawn from data that is not the store's now" in p["message"]


def test_a_coding_changed_behind_the_log_makes_the_heatmap_differ(built, run):
    shell(built, "UPDATE codings SET status = 'rejected' WHERE id = 3")
    _, found = audit(run)
    checks = {p["check"] for p in found}
    assert {"row-without-event", "report-figure-differs"} <= checks
