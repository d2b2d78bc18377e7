"""Blind double coding: `thematic assign`, the blind review, progress, unblinding by agree."""

from __future__ import annotations

import json

import pytest
from test_coding_support import prepare, rows

from thematic.coding.assign import assign, blind_view, parse_sample, progress
from thematic.coding.review import ReviewSession
from thematic.errors import ThematicError
from thematic.project import open_store
from thematic.store.corpus import list_excerpts


@pytest.fixture
def auto(project):
    return prepare(project, auto=True)


def test_assign_is_deterministic_and_covers_every_excerpt(auto):
    with open_store(auto) as store:
        first = assign(store, ["alice", "bob"], "40%", seed=1)
        again = assign(store, ["alice", "bob"], "40%", seed=1)
        other = assign(store, ["alice", "bob"], "40%", seed=2)
    assert (first.double, first.single) == (again.double, again.single)
    assert (first.double, first.single) != (other.double, other.single)
    assert len(first.double) == 3          # 40% of 7, rounded half up
    everything = first.double + first.single["alice"] + first.single["bob"]
    assert sorted(everything) == [f"F00{i}" for i in range(1, 8)]
    assert abs(len(first.single["alice"]) - len(first.single["bob"])) <= 1
    stored = rows(auto, "SELECT run_id, coder, COUNT(*), SUM(double) FROM assignments "
                        "GROUP BY run_id, coder ORDER BY run_id, coder")
    assert stored[:2] == [(1, "alice", 5, 3), (1, "bob", 5, 3)]
    assert rows(auto, "SELECT action FROM events WHERE action = 'assign'") == [("assign",)] * 3


def test_strata_draw_the_sample_within_each_source(auto):
    with open_store(auto) as store:
        result = assign(store, ["alice", "bob"], "50%", seed=3, strata="source")
        by_source = {e.id: e.source_id for e in list_excerpts(store)}
    # Source 1 has 3 excerpts (2 drawn: round half up), source 2 has 4 (2 drawn).
    assert sorted(by_source[e] for e in result.double) == ["1", "1", "2", "2"]


@pytest.mark.parametrize("value, share", [("20%", 0.2), ("0.5", 0.5), ("7", 1.0), ("0", 0.0)])
def test_sample_values(value, share):
    assert parse_sample(value, 7) == share


@pytest.mark.parametrize("coders, sample, code", [
    (["alice"], "20%", "E531"), (["alice", "alice"], "20%", "E531"),
    (["alice", "auto:rules"], "20%", "E531"), (["alice", "bob"], "150%", "E530"),
    (["alice", "bob"], "lots", "E530")])
def test_bad_assignments(auto, coders, sample, code):
    with open_store(auto) as store, pytest.raises(ThematicError) as caught:
        assign(store, coders, sample)
    assert caught.value.code == code


def test_unknown_stratum_is_named(auto):
    with open_store(auto) as store, pytest.raises(ThematicError) as caught:
        assign(store, ["alice", "bob"], "20%", strata="sourc")
    assert caught.value.code == "E532" and "'source'" in caught.value.message


def test_blind_review_hides_the_other_coder_until_agree(auto, run):
    with open_store(auto) as store:
        result = assign(store, ["alice", "bob"], "100%", seed=1)
        assert result.double == [f"F00{i}" for i in range(1, 8)]
        bob = ReviewSession(store, "bob")
        assert [(i.excerpt.id, i.coding.code_id) for i in bob.items][:2] == [
            ("F001", "empowerment"), ("F001", "hope")]
        assert bob.accept() == "accepted empowerment on F001"
        assert bob.reject() == "rejected hope on F001"
        # Bob's decisions are his own: the proposals stay open for alice, and she does not
        # see bob's accepted code as "other codes here".
        alice = ReviewSession(store, "alice")
        assert [(i.excerpt.id, i.coding.code_id) for i in alice.items][:2] == [
            ("F001", "empowerment"), ("F001", "hope")]
        assert alice.others() == ["hope"]
        # Bob resumes where he stopped; undo takes his decision back.
        bob = ReviewSession(store, "bob")
        assert bob.current.excerpt.id == "F002"
        assert bob.accept() == "accepted symptoms on F002"
        assert bob.undo() == "undid accepted symptoms"
        assert ReviewSession(store, "bob").current.coding.code_id == "symptoms"
    assert rows(auto, "SELECT status FROM codings WHERE coder = 'auto:rules' "
                      "ORDER BY id")[:2] == [("proposed",), ("proposed",)]
    assert rows(auto, "SELECT coder, code_id, decision FROM blind_decisions") == [
        ("bob", "empowerment", "accepted"), ("bob", "hope", "rejected")]
    # Everyone codes the whole sample; agree then lifts the blinding.
    for who in ("alice", "bob"):
        for e in range(1, 8):
            run("code", "add", f"F00{e}", "hope" if e % 2 or who == "alice" else "stigma",
                "--coder", who)
    out = run("agree", "--boot", "0")
    assert out.exit_code == 0
    assert out.output.endswith("Assignment 1 unblinded: coders now see each other's "
                               "decisions; reconcile with `thematic agree reconcile`.\n")
    with open_store(auto) as store:
        assert blind_view(store, "alice") is None
        assert [p.double_reviewed for p in progress(store)] == [7, 7]


def test_agree_keeps_blinding_while_the_sample_is_incomplete(auto, run):
    with open_store(auto) as store:
        assign(store, ["alice", "bob"], "100%", seed=1)
    run("code", "add", "F001", "hope", "--coder", "alice")
    run("code", "add", "F001", "hope", "--coder", "bob")
    out = run("agree", "--boot", "0")
    assert out.output.endswith("Assignment 1 stays blind: double-coded excerpts still to "
                               "review (alice 6, bob 6).\n")
    with open_store(auto) as store:
        assert blind_view(store, "bob") is not None


def test_assign_cli_exact_output_and_status(auto, run):
    out = run("assign", "--coders", "alice,bob", "--sample", "40%", "--seed", "1")
    assert out.output == (
        "Assignment 1: 7 excerpts; 3 double-coded by alice, bob (40%, seed 1); the rest "
        "split: alice 2, bob 2.\nCoders are blind to each other's decisions until "
        "`thematic agree` measures the double-coded sample.\n")
    run("code", "add", "F001", "hope", "--coder", "alice")
    out = run("assign", "status")
    mine = {r.split()[0]: r.split()[1:] for r in out.output.splitlines()[3:]}
    assert out.output.splitlines()[:2] == [
        "Assignment 1 (blind):",
        "coder  assigned  double  reviewed  double_reviewed  remaining"]
    assert set(mine) == {"alice", "bob"} and mine["bob"] == ["5", "3", "0", "0", "5"]
    document = json.loads(run("status", "--json").output)
    assert [c["coder"] for c in document["assignment"]["coders"]] == ["alice", "bob"]
    assert document["assignment"]["blind"] is True
    cov = json.loads(run("code", "coverage", "--json").output)
    assert {r["coder"]: r["assignment"] and r["assignment"]["assigned"] for r in cov} == {
        "alice": 5, "auto:rules": None}
    assert run("assign", "status", "--json").exit_code == 0


def test_assign_status_without_assignment(project, run):
    out = run("assign", "status")
    assert out.exit_code == 2 and "[E534]" in out.output
