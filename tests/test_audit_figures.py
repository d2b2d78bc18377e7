"""Figures a reader sees: audit does not draw the theme network and heatmap again, but checks
each against the digest of the data it was drawn from and its PNG's SHA-256, both kept in the
project's record of the report (never in the Markdown, whose bytes must not depend on the
machine's matplotlib)."""

from __future__ import annotations

import hashlib
import json

import pytest
from test_audit_tamper import audit, shell
from test_report_fixtures import build

FOLDER = ("reports", "report")


@pytest.fixture
def built(project, run):
    build(project)
    assert run("report").exit_code == 0
    assert audit(run) == (0, [])
    return project


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
