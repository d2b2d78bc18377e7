"""Manual coding by named coders: add, remove, list, accept/reject, memos, coverage, and
the bad input (each leaves the database unchanged)."""

from __future__ import annotations

import json

import pytest
from conftest import db_bytes
from test_coding_support import prepare, rows


@pytest.fixture
def proj(project):
    return prepare(project)


@pytest.fixture
def auto(project):
    return prepare(project, auto=True)


def test_add_list_remove(proj, run):
    assert run("code", "add", "F002", "stigma", "--coder", "ann", "--span", "0:7",
               "--memo", "first words").output == (
        "Coded F002 as stigma (coder ann, characters 0-7).\n")
    assert run("code", "add", "F002", "stigma", "--coder", "ann", "--span", "0:7").output == (
        "F002 already has stigma from ann, characters 0-7; nothing added.\n")
    assert run("code", "add", "F003", "Role ambiguity").output == (
        "Coded F003 as role-ambiguity (coder tester).\n")
    assert run("code", "list").output == (
        "id  excerpt  code            coder   status    span  origin  score\n"
        "--  -------  --------------  ------  --------  ----  ------  -----\n"
        "1   F002     stigma          ann     accepted  0-7   manual\n"
        "2   F003     role-ambiguity  tester  accepted        manual\n")
    listed = json.loads(run("code", "list", "--coder", "ann", "--json").output)
    assert [(c["excerpt_id"], c["code_id"], c["memo"], c["method"]) for c in listed] == [
        ("F002", "stigma", "first words", "manual")]
    assert run("code", "list", "--source", "1").output.count("\n") == 3
    assert run("code", "list", "--code", "hope").output == "(none)\n"
    assert run("code", "remove", "F002", "stigma", "--coder", "ann").output == (
        "Removed 1 coding of stigma from F002 (coder ann).\n")
    # the excerpt stays reviewed: ann's "no" for every code on F002
    assert rows(proj, "SELECT coder, excerpt_id FROM coverage ORDER BY 1, 2") == [
        ("ann", "F002"), ("tester", "F003")]
    actions = rows(proj, "SELECT action FROM events WHERE action LIKE 'code %'")
    assert actions == [("code add",), ("code add",), ("code remove",)]


def test_accept_and_reject_proposals(auto, run):
    assert run("code", "accept", "1", "2", "--coder", "ann").output == (
        "Accepted 2 proposals as ann.\n")
    assert run("code", "reject", "3", "--coder", "ann", "--memo", "not a finding").output == (
        "Rejected 1 proposal as ann.\n")
    assert rows(auto, "SELECT id, coder, code_id, status, method, origin, memo FROM codings "
                      "WHERE id <= 3 OR coder = 'ann' ORDER BY id") == [
        # accepted: the proposal itself became ann's coding, its rule kept (one row each)
        (1, "ann", "hope", "accepted", "review", 'auto:rules phrase:"hope"', None),
        (2, "ann", "empowerment", "accepted", "review", 'auto:rules phrase:"empowerment"',
         None),
        (3, "auto:rules", "symptoms", "rejected", "rules", 'phrase:"symptom"', "not a finding")]
    assert rows(auto, "SELECT COUNT(*) FROM codings WHERE status = 'accepted'") == [(2,)]
    assert rows(auto, "SELECT excerpt_id FROM coverage WHERE coder = 'ann'") == [
        ("F001",), ("F002",)]
    assert run("code", "accept", "--all", "--code", "training", "--coder", "bo").output == (
        "Accepted 1 proposal as bo.\n")


def test_accept_non_proposal_is_e166(auto, run):
    run("code", "accept", "1", "--coder", "ann")
    before = db_bytes(auto)
    result = run("code", "accept", "1", "2", "--coder", "ann")
    assert (result.exit_code, result.output) == (2, (
        "Error: [E166] Coding 1 is accepted, not a proposal; only proposed codings can be "
        "accepted. List proposals with `thematic code list --status proposed`.\n"))
    assert db_bytes(auto) == before


def test_accept_unknown_id_is_e161(auto, run):
    before = db_bytes(auto)
    result = run("code", "reject", "99")
    assert (result.exit_code, result.output) == (2, (
        "Error: [E161] No coding matches id 99. List codings with `thematic code list`.\n"))
    assert db_bytes(auto) == before


@pytest.mark.parametrize("args,message", [
    (("F02", "stigma"), "[E030] No excerpt 'F02'. Did you mean 'F002'? List them with "
                        "`thematic excerpts list`."),
    (("F002", "stigm"), "[E152] Code 'stigm' is not in codebook 'test-book' (version 1.0.0). "
                        "Did you mean 'stigma'? List the codes with `thematic codebook show "
                        "test-book`."),
    (("F002", "outcomes"), "[E153] Code 'outcomes' of codebook 'test-book' is a grouping that "
                           "coders do not assign. Choose one of its codes: hope, "
                           "empowerment, symptoms."),
    (("F002", "stigma", "--span", "5:999"), "[E154] Span '5:999' is not inside excerpt "
        "'F002', whose text has 31 characters. Give --span START:END with 0 <= START < END "
        "<= 31."),
    (("F002", "stigma", "--span", "7:3"), "[E154] Span '7:3' is not inside excerpt 'F002'"),
    (("F002", "stigma", "--span", "a-b"), "[E154] Span 'a-b' is not inside excerpt 'F002'"),
    (("F002", "stigma", "--codebook", "cfir"), "[E106] No codebook 'cfir' in the project."),
])
def test_add_bad_input_changes_nothing(proj, run, args, message):
    before = db_bytes(proj)
    result = run("code", "add", *args, "--coder", "ann")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {message}")
    assert db_bytes(proj) == before


def test_remove_nothing_is_e161_with_the_coders_there(proj, run):
    run("code", "add", "F002", "stigma", "--coder", "ann")
    before = db_bytes(proj)
    result = run("code", "remove", "F002", "stigma", "--coder", "anne")
    assert (result.exit_code, result.output) == (2, (
        "Error: [E161] No coding matches excerpt 'F002', code 'stigma', coder 'anne' (coded "
        "by ann). Did you mean 'ann'? List codings with `thematic code list`.\n"))
    assert db_bytes(proj) == before


def test_memos(proj, run):
    assert run("memo", "add", "excerpt", "F001", "Strong quote.", "--author", "ann").output \
        == "Memo 1 added to excerpt F001.\n"
    assert run("memo", "add", "code", "hope", "Broad code.").output == \
        "Memo 2 added to code hope.\n"
    assert run("memo", "add", "project", "-", "Pilot round.").output == \
        "Memo 3 added to project -.\n"
    listed = json.loads(run("memo", "list", "--json").output)
    assert [(m["target_kind"], m["target_id"], m["author"], m["text"]) for m in listed] == [
        ("excerpt", "F001", "ann", "Strong quote."), ("code", "hope", "tester", "Broad code."),
        ("project", "-", "tester", "Pilot round.")]
    assert run("memo", "list", "code").output.splitlines()[2].startswith(
        "2   code  hope    tester")
    assert run("memo", "list", "excerpt", "F009").output == "(none)\n"


@pytest.mark.parametrize("args,message", [
    (("excerpt", "F01", "x"), "[E030] No excerpt 'F01'. Did you mean 'F001'? List them with "
                              "`thematic excerpts list`."),
    (("code", "hop", "x"), "[E165] 'hop' is not a code of a loaded codebook. List the codes "
                           "with `thematic codebook show`. Did you mean 'hope'?"),
    (("theme", "role-ambiguity", "x"), "[E165] 'role-ambiguity' is not a theme. List them with "
                                       "`thematic theme list`."),
    (("excerpt", "F001", "  "), "[E165] '  ' is not a memo text. Write some text."),
])
def test_memo_bad_target_changes_nothing(proj, run, args, message):
    before = db_bytes(proj)
    result = run("memo", "add", *args)
    assert result.exit_code == 2
    assert result.output == f"Error: {message}\n"
    assert db_bytes(proj) == before


def test_coverage(auto, run):
    run("code", "add", "F002", "stigma", "--coder", "ann")
    run("code", "reject", "3", "--coder", "bo")
    assert run("code", "coverage").output == (
        "coder       reviewed  coded  uncoded  missing\n"
        "----------  --------  -----  -------  -------\n"
        "ann         1         1      0        6\n"
        "auto:rules  7         4      3        0\n"
        "bo          1         0      1        6\n")
    assert run("code", "coverage", "--coder", "auto:rules").output.endswith(
        "\nreviewed: F001, F002, F003, F004, F005, F006, F007\n")
    doc = json.loads(run("code", "coverage", "--json").output)
    assert doc[2] == {"coder": "bo", "reviewed": 1, "coded": 0, "uncoded": 1, "missing": 6,
                      "excerpts": ["F002"]}
    result = run("code", "coverage", "--coder", "bob")
    assert result.output == ("Error: [E161] No coder matches 'bob'. Did you mean 'bo'? List "
                             "codings with `thematic code list`.\n")
