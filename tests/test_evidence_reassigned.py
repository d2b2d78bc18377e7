"""Topic members HDBSCAN left as outliers and BERTopic only reassigned (--cluster hdbscan):
not evidence by default; `thematic evidence outliers count` counts them, and the report and
`thematic trace` then mark them. Either way a fresh report audits clean."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from test_themes_fixtures import build

from thematic import themes
from thematic.project import open_store
from thematic.store import topics as tdb
from thematic.topics.run import reassigned


@pytest.fixture
def accepted(project):
    """Topic 0 of a stored run: F002 placed by HDBSCAN, F005 reassigned from its outliers;
    accepted as a theme with no codes, so its evidence is its members alone."""
    with open_store(project) as store:
        build(store)
        with store.transaction("test run"):
            run_id = tdb.insert_run(store, model="test", params={}, outlier_share=0.0,
                                    n_documents=3)
            tdb.insert_candidates(store, [
                tdb.Candidate(run_id, 0, "Peer hope", [("hope", 0.5)], 2, ["F002"])])
            tdb.insert_members(store, run_id, [("F002", 0, 0.9), ("F005", 0, None)],
                               reassigned={"F005"})
            store.log("topics run", str(run_id), {})
        themes.accept(store, 0, run=run_id, codes=[])
    return project


def test_default_leaves_reassigned_members_out(accepted, run):
    with open_store(accepted) as store:
        ev = themes.evidence(store, "peer-hope")
    assert (ev.excerpts, ev.topic_members) == (["F002"], ["F002"])
    assert (ev.reassigned, ev.reassigned_left_out) == ([], ["F005"])
    up = run("trace", "F005").output.splitlines()
    assert up[up.index("  supports: no theme") + 1:] == [
        '    (not evidence for theme peer-hope: member of topic 0 "Peer hope" of run 1, '
        "reassigned there from HDBSCAN's outliers, which the theme was accepted from; the "
        "evidence policy leaves reassigned members out, see `thematic evidence show`)"]
    down = run("trace", "peer-hope").output.splitlines()
    assert ("    topic 0 of run 1: 1 member (1 reassigned from HDBSCAN's outliers, not "
            "evidence: F005)") in down
    assert run("report", "--out", accepted / "reports" / "r.md").exit_code == 0
    text = (accepted / "reports" / "r.md").read_text(encoding="utf-8")
    assert ("- Not counted: 1 member of its topic candidates that HDBSCAN left as outliers "
            "and BERTopic only reassigned (the evidence policy leaves them out; `thematic "
            "evidence outliers count` counts them).") in text
    assert "excerpt-F005" not in text
    assert run("audit").exit_code in (0, 1)
    doc = json.loads(run("audit", "--json").output)
    assert not [p for p in doc["problems"] if p["check"].startswith("report-")]


def test_counted_when_the_policy_says_so_and_marked(accepted, run):
    result = run("evidence", "outliers", "count")
    assert result.exit_code == 0
    assert result.output == ("Evidence is the accepted codings of gold (every human coder; all of them were "
                             "imported). "
                             "Members of accepted topic candidates that HDBSCAN left as "
                             "outliers and BERTopic reassigned count as evidence too (marked "
                             "as reassigned).\n")
    with open_store(accepted) as store:
        ev = themes.evidence(store, "peer-hope")
    assert (ev.excerpts, ev.reassigned, ev.reassigned_left_out) == (["F002", "F005"],
                                                                    ["F005"], [])
    up = run("trace", "F005").output.splitlines()
    assert up[up.index("  supports:") + 1:] == [
        '    theme peer-hope: Peer hope — member of topic 0 "Peer hope" of run 1, reassigned '
        "there from HDBSCAN's outliers, which the theme was accepted from"]
    down = run("trace", "peer-hope").output.splitlines()
    assert ("    topic 0 of run 1: 2 members (1 reassigned from HDBSCAN's outliers, counted "
            "by the evidence policy)") in down
    assert any(line.startswith("      excerpt F005 — ") and
               line.endswith(" (reassigned from the outliers)") for line in down)
    assert run("report", "--out", accepted / "reports" / "r.md").exit_code == 0
    text = (accepted / "reports" / "r.md").read_text(encoding="utf-8")
    assert ("- Members of the topic candidates it was accepted from: 2 excerpts, of which 1 "
            "HDBSCAN left as outliers and BERTopic reassigned (counted by the evidence "
            "policy; marked in Appendix A).") in text
    assert ("  - reassigned from the outliers (topic members HDBSCAN left as outliers, counted "
            "by the evidence policy): [F005](#excerpt-F005)") in text
    doc = json.loads(run("audit", "--json").output)
    assert not [p for p in doc["problems"] if p["check"].startswith("report-")]
    # back to the default: the report is stale, and the member is out again
    assert run("evidence", "outliers", "exclude").exit_code == 0
    doc = json.loads(run("audit", "--json").output)
    assert [p["check"] for p in doc["problems"] if p["check"] == "report-stale"]


def test_an_excerpt_is_reassigned_only_when_no_text_of_it_was_placed():
    excerpts = [SimpleNamespace(id=f"E{i}") for i in range(3)]
    # E0: one sentence placed, one reassigned → placed; E1: only reassigned; E2: placed
    owner = [0, 0, 1, 2]
    fitted = SimpleNamespace(topics=[3, 3, 3, 4], reassigned=[False, True, True, False])
    assert reassigned(excerpts, owner, fitted, {0: 3, 1: 3, 2: 4}) == {"E1"}
    assert reassigned(excerpts, owner, SimpleNamespace(topics=[3, 3, 3, 4], reassigned=[]),
                      {0: 3, 1: 3, 2: 4}) == set()
