"""The evidence policy: whose accepted codings are evidence, stated in the report, checked by
audit; counts are excerpt–code pairs, each once."""

from __future__ import annotations

import json

import pytest
from test_report_fixtures import FINDINGS, build


@pytest.fixture
def coders(project):
    """ana and ben (human), gold (imported comparison coder), auto:rules (automatic)."""
    from thematic.project import open_store
    from thematic.store.codings import Coding, add_codings

    build(project, second_coder=True)
    with open_store(project) as store, store.transaction("more coders"):
        book = store.scalar("SELECT id FROM codebooks")
        add_codings(store, [Coding(excerpt_id="F1", codebook_id=book, code_id="funding",
                                   coder="gold", method="import", origin="gold.csv:2"),
                            Coding(excerpt_id="F2", codebook_id=book, code_id="stigma",
                                   coder="auto:rules", method="rules")])
        store.log("more coders", "test", {})
    return project


def test_show_and_set_exact(coders, run):
    assert run("evidence", "show").output == (
        "Evidence is the accepted codings of ana, ben (every human coder). Not evidence: "
        "auto:rules (automatic coder); gold (imported comparison coder).\n")
    assert run("evidence", "set", "gold,ana").output == (
        "Evidence is the accepted codings of ana, gold (the project's evidence_coders "
        "setting). Not evidence: auto:rules (automatic coder); ben (not chosen).\n")
    doc = json.loads(run("evidence", "show", "--json").output)
    assert (doc["coders"], doc["rule"]) == (["ana", "gold"], "setting")
    assert run("evidence", "set", "--default").output.startswith(
        "Evidence is the accepted codings of ana, ben (every human coder).")
    bad = run("evidence", "set", "bem")
    assert (bad.exit_code, bad.output) == (2, (
        "Error: [E700] Evidence coder 'bem' has no accepted codings in this project. Did you "
        "mean 'ben'? Coders with accepted codings: ana, auto:rules, ben, gold. Name them with "
        "--evidence-coders A,B (or `thematic evidence set A,B`).\n"))


def test_report_counts_pairs_once_and_states_the_policy(coders, run):
    assert run("report").exit_code == 0
    text = (coders / "reports" / "report.md").read_text(encoding="utf-8")
    pairs = sum(len(codes) for *_, codes in FINDINGS)
    assert f"carry {pairs} excerpt–code pairs of evidence, from " in text
    assert "by 2 coders (a pair several coders coded counts once)" in text
    assert ("- Evidence is the accepted codings of ana, ben (every human coder). Not "
            "evidence: auto:rules (automatic coder); gold (imported comparison coder).") in text
    assert run("audit").exit_code == 0
    # named coders: the report says so, and audit checks it with the same coders
    assert run("report", "--evidence-coders", "ana,auto:rules").exit_code == 0
    text = (coders / "reports" / "report.md").read_text(encoding="utf-8")
    assert "Evidence is the accepted codings of ana, auto:rules (named for this report)." \
        in text
    result = run("audit")
    assert result.exit_code == 0, result.output
