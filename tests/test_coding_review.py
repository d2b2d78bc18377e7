"""The review: ReviewSession's logic without a terminal, and `thematic code review` in a
real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from test_coding_support import prepare, rows

from thematic.coding.review import ReviewSession
from thematic.errors import ThematicError
from thematic.project import open_store


@pytest.fixture
def auto(project):
    return prepare(project, auto=True)


def state(project):
    return rows(project, "SELECT id, coder, code_id, status, method FROM codings "
                         "ORDER BY id")


def test_session_shows_proposals_in_excerpt_order(auto):
    with open_store(auto) as store:
        session = ReviewSession(store, "ann")
        item = session.current
        assert [(i.excerpt.id, i.coding.code_id) for i in session.items] == [
            ("F001", "empowerment"), ("F001", "hope"), ("F002", "symptoms"),
            ("F003", "role-ambiguity"), ("F004", "role-ambiguity"), ("F006", "training")]
        assert item.parts == ("Peer support improved hope and ", "empowerment",
                              " among service users.")
        assert (item.code_name, item.definition) == ("Empowerment", "Empowerment, agency")
        assert session.others() == ["hope"]
        assert "training" in session.completions() and "outcomes" not in session.completions()


def test_accept_reject_skip_add_memo_and_resume(auto):
    with open_store(auto) as store:
        session = ReviewSession(store, "ann")
        assert session.accept() == "accepted empowerment on F001"
        assert session.reject() == "rejected hope on F001"
        assert session.skip() == "skipped symptoms on F002"
        assert session.add("stig") == "added stigma on F003"    # a unique prefix completes
        assert session.memo("Ask the team.") == "memo saved on F003"
        assert session.accept() == "accepted role-ambiguity on F003"
        assert session.remaining == 2
        assert session.summary() == ("ann: 2 accepted, 1 rejected, 1 skipped, 1 added, 1 "
                                     "memo(s); 3 proposal(s) still to review.")
    assert state(auto) == [
        (1, "auto:rules", "hope", "rejected", "rules"),
        (2, "ann", "empowerment", "accepted", "review"),     # the proposal, now ann's
        (3, "auto:rules", "symptoms", "proposed", "rules"),
        (4, "ann", "role-ambiguity", "accepted", "review"),
        (5, "auto:rules", "role-ambiguity", "proposed", "rules"),
        (6, "auto:rules", "training", "proposed", "rules"),
        (7, "ann", "stigma", "accepted", "manual")]
    assert rows(auto, "SELECT excerpt_id FROM coverage WHERE coder = 'ann'") == [
        ("F001",), ("F003",)]
    with open_store(auto) as store:
        again = ReviewSession(store, "ann")   # resumable: decided ones do not come back
        assert [i.coding.id for i in again.items] == [3, 5, 6]


def test_undo_reverses_every_kind_of_step(auto):
    before = state(auto)
    with open_store(auto) as store:
        session = ReviewSession(store, "ann")
        session.accept()
        session.add("training")
        session.memo("note")
        session.skip()
        session.reject()
        assert [session.undo() for _ in range(6)] == [
            "undid rejected symptoms", "undid skip", "undid memo", "undid add",
            "undid accepted empowerment", "nothing to undo"]
        assert session.index == 0 and session.current.coding.code_id == "empowerment"
    assert state(auto) == before
    assert rows(auto, "SELECT * FROM coverage WHERE coder = 'ann'") == []
    assert rows(auto, "SELECT * FROM memos") == []
    assert rows(auto, "SELECT COUNT(*) FROM events WHERE action = 'code undo'") == [(3,)]


def test_add_errors_keep_the_session_going(auto):
    with open_store(auto) as store:
        session = ReviewSession(store, "ann")
        with pytest.raises(ThematicError, match="E152"):
            session.add("hopeful")
        with pytest.raises(ThematicError, match="E153"):
            session.add("outcomes")
        assert session.add("hope") == "added hope on F001"
        assert session.add("hope") == "hope was already coded on F001 by ann"
        assert session.current.coding.code_id == "empowerment"


def test_decided_elsewhere_is_skipped(auto, run):
    with open_store(auto) as store:
        session = ReviewSession(store, "ann")
        run("code", "reject", "2", "--coder", "bo")
        assert session.accept() == "empowerment on F001 was already decided"
        assert session.current.coding.code_id == "hope"


def test_filters_and_end(auto):
    with open_store(auto) as store:
        session = ReviewSession(store, "ann", code="role-ambiguity", proposers=["auto:rules"])
        assert [i.excerpt.id for i in session.items] == ["F003", "F004"]
        session.accept()
        session.accept()
        assert session.done
        with pytest.raises(ThematicError, match="E161"):
            session.accept()
        assert ReviewSession(store, "ann", proposers=["auto:semantic"]).done


def test_review_needs_a_terminal(auto, run):
    result = run("code", "review", "--coder", "ann")
    assert (result.exit_code, result.output) == (2, (
        "Error: [E164] `thematic code review` needs an interactive terminal. Run it in a "
        "terminal, or accept/reject proposals with `thematic code accept|reject`.\n"))


def test_review_with_nothing_to_review(project, run):
    prepare(project)
    assert run("code", "review").output == "No proposals to review.\n"


def test_review_in_a_pseudo_terminal(auto):
    pexpect = pytest.importorskip("pexpect")
    thematic = Path(sys.executable).parent / "thematic"
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "120"}
    child = pexpect.spawn(str(thematic), ["--project", str(auto), "code", "review", "--coder",
                                          "ann"], env=env, encoding="utf-8", timeout=30,
                          dimensions=(40, 120))
    try:
        child.expect(r"\[1/6\] excerpt F001")
        child.expect("empowerment")        # the highlighted span
        child.expect(r"\[q\]uit")
        child.send("a")
        child.expect("accepted empowerment on F001")
        child.expect(r"\[q\]uit")
        child.send("n")
        child.expect("add code:")
        child.send("trai")
        child.expect("training")           # the completion menu
        child.send("\t")
        child.send("\r")
        child.expect("added training on F001")
        child.expect(r"\[q\]uit")
        child.send("r")
        child.expect("rejected hope on F001")
        child.expect(r"\[q\]uit")
        child.send("u")
        child.expect("undid rejected hope")
        child.expect(r"\[q\]uit")
        child.send("m")
        child.expect("memo:")
        child.send("Check the denominator.\r")
        child.expect("memo saved on F001")
        child.expect(r"\[q\]uit")
        child.send("s")
        child.expect(r"\[3/6\] excerpt F002")
        child.expect(r"\[q\]uit")
        child.send("q")
        child.expect("ann: 1 accepted, 0 rejected, 1 skipped, 1 added, 1 memo")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert rows(auto, "SELECT coder, code_id, status FROM codings WHERE coder = 'ann' "
                      "ORDER BY id") == [("ann", "empowerment", "accepted"),
                                         ("ann", "training", "accepted")]
    assert rows(auto, "SELECT status FROM codings WHERE id = 1") == [("proposed",)]
    assert rows(auto, "SELECT target_id, author, text FROM memos") == [
        ("F001", "ann", "Check the denominator.")]
    assert rows(auto, "SELECT excerpt_id FROM coverage WHERE coder = 'ann'") == [("F001",)]


def test_whole_excerpt_proposals_have_nothing_highlighted(project, run, tmp_path):
    prepare(project)
    path = tmp_path / "p.csv"
    path.write_text("excerpt,code,coder,status\nF002,symptoms,auto:semantic,proposed\n")
    run("code", "import", path)
    with open_store(project) as store:
        item = ReviewSession(store, "ann").current
    assert item.parts == ("Effects on symptoms were mixed.", "", "")
