"""The demo end to end, and the committed example report it must reproduce."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import REPO

from thematic.cli.main import cli

COMMITTED = REPO / "reports" / "peer-support-synthesis.md"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "thematic-demo"
    copy = tmp_path_factory.mktemp("copy")
    result = CliRunner().invoke(cli, ["demo", str(folder), "--report-to", str(copy)],
                                catch_exceptions=False)
    return folder, result


@pytest.mark.slow
def test_demo_runs_every_step(demo):
    folder, result = demo
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert not [line for line in lines if line.startswith("–")], result.output
    assert lines[-2] == f"Report: {folder / 'reports' / 'peer-support-synthesis.md'}"
    assert "✓ audit: 0 errors" in result.output


@pytest.mark.slow
def test_committed_report_is_what_the_code_produces(demo):
    folder, _ = demo
    produced = (folder / "reports" / "peer-support-synthesis.md").read_text(encoding="utf-8")
    # The trailer's head hash chains every event, and the first (init) records the folder
    # the demo ran in: equal sequence, any hash.
    def same(text: str) -> str:
        return re.sub(r'(<!-- thematic-report seq="\d+" head=")[0-9a-f]{64}"', r'\1…"', text)

    assert same(COMMITTED.read_text(encoding="utf-8")) == same(produced), \
        "reports/peer-support-synthesis.md is stale: run `make report` and commit it"


@pytest.mark.slow
def test_demo_audits_clean_from_the_cli(demo):
    folder, _ = demo
    result = CliRunner().invoke(cli, ["--project", str(folder), "audit"])
    assert result.exit_code == 0, result.output


def test_demo_refuses_a_folder_that_is_not_a_demo(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "mine")])
    assert result.exit_code == 2
    assert "exists and is not empty" in result.output
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
