"""Themes: the library API, the `thematic theme` commands (exact output) and bad input."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_themes_fixtures import build

from thematic import themes
from thematic.errors import ThematicError
from thematic.project import open_store
from thematic.store import topics as tdb


@pytest.fixture
def built(project):
    with open_store(project) as store:
        build(store)
    return project


def dump(project) -> str:
    """Every row of the database (WAL included): 'unchanged' means this is equal."""
    conn = sqlite3.connect(project / ".thematic" / "project.db")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def add_run(store) -> int:
    """A stored topic run without a model: topic 0 = F002, F005 (hope), topic -1 = F010."""
    with store.transaction("test run"):
        run = tdb.insert_run(store, model="test", params={}, outlier_share=0.33,
                             n_documents=3)
        tdb.insert_candidates(store, [
            tdb.Candidate(run, -1, "Outliers", [("x", 1.0)], 1, ["F010"]),
            tdb.Candidate(run, 0, "Hope and optimism", [("hope", 0.5)], 2, ["F002"],
                          data={"suggested_codes": ["hope"], "codebook": "demo"})])
        tdb.insert_members(store, run, [("F002", 0, 0.9), ("F005", 0, 0.8), ("F010", -1, None)])
    return run


def test_add_list_show(built, run):
    result = run("theme", "add", "Role ambiguity", "--codes", "role-ambiguity,stigma",
                 "--description", "Unclear roles")
    assert result.exit_code == 0
    assert result.output == ("Added theme role-ambiguity 'Role ambiguity' (descriptive; codes: "
                             "role-ambiguity, stigma): 10 excerpts from 3 studies\n")
    run("theme", "add", "Barriers", "--codes", "stigma", "--level", "analytical")
    run("theme", "edit", "role-ambiguity", "--parent", "barriers")
    result = run("theme", "list")
    assert result.output == (
        "id              name            level        parent    codes                   "
        "excerpts  studies\n"
        "--------------  --------------  -----------  --------  ----------------------  "
        "--------  -------\n"
        "role-ambiguity  Role ambiguity  descriptive  barriers  role-ambiguity, stigma  "
        "10        3\n"
        "barriers        Barriers        analytical             stigma                  "
        "10        3\n")
    result = run("theme", "show", "barriers", "--limit", "2")
    assert result.output == (
        "barriers: Barriers\n"
        "  level: analytical\n"
        "  codes (demo): stigma [0]\n"
        "  includes themes: role-ambiguity\n"
        "  evidence: 10 excerpts from 3 studies: 1, 3, 5\n"
        "\n"
        "excerpt  study  text\n"
        "-------  -----  ----------------------------------------------------------------------\n"
        "F001     1      Job descriptions struggled with unclear their role and duties (findin…\n"
        "F007     3      Staff lacked clarity about the purpose of the role (finding 3).\n"
        "... and 8 more (--limit 0 shows all)\n")


def test_evidence_is_accepted_codings_recomputed(built):
    with open_store(built) as store:
        made = themes.add_theme(store, "Stigma", ["stigma"])
        # F002 is only proposed and F003 rejected: neither is evidence
        assert themes.evidence(store, made.id).excerpts == []
        from thematic.coding.manual import decide
        from thematic.store.codings import list_codings, set_status

        proposed = list_codings(store, code="stigma", status="proposed")[0]
        with store.transaction("accept as the automatic coder"):
            set_status(store, proposed.id, "accepted")
        # an automatic coder's accepted coding is evidence only when named (evidence policy)
        assert themes.evidence(store, made.id).excerpts == []
        assert themes.evidence(store, made.id, coders=[proposed.coder]).excerpts == ["F002"]
        with store.transaction("back"):
            set_status(store, proposed.id, "proposed")
        decide(store, [proposed.id], True, coder="ann")   # a reviewer accepts it
        found = themes.evidence(store, made.id)
        assert (found.excerpts, found.studies, found.by_code) == (["F002"], ["1"],
                                                                  {"stigma": ["F002"]})


def test_accept_topic(built, run):
    with open_store(built) as store:
        run_id = add_run(store)
    result = run("theme", "accept", "0")
    assert result.output == ("Accepted topic 0 as theme hope-and-optimism 'Hope and optimism' "
                             "(descriptive; codes: hope; topic 0 of run 1): 11 excerpts "
                             "from 4 studies\n")
    with open_store(built) as store:
        found = themes.evidence(store, "hope-and-optimism")
        assert found.topic_members == ["F002", "F005"]
        assert "F002" in found.excerpts and "F010" not in found.excerpts
        assert themes.get_theme(store, "hope-and-optimism").topics == [(run_id, 0)]
    before = dump(built)
    result = run("theme", "accept", "0", "--name", "Again")
    assert result.exit_code == 2 and "[E260]" in result.output
    result = run("theme", "accept", "7")
    assert result.exit_code == 2
    assert result.output == ("Error: [E251] No topic 7 in topic run 1. Topics of run 1: 0. "
                             "List them with `thematic topics list --run 1`.\n")
    result = run("theme", "accept", "0", "--run", "9")
    assert result.exit_code == 2 and "[E252] No topic run 9." in result.output
    assert dump(built) == before


def test_accept_without_runs(built, run):
    result = run("theme", "accept", "0")
    assert result.exit_code == 2
    assert result.output.startswith("Error: [E252] No topic run (none yet).")


def test_rename_merge_split_remove(built, run):
    run("theme", "add", "Hope", "--codes", "hope")
    run("theme", "add", "Digital", "--codes", "digital")
    run("theme", "add", "Mixed", "--codes", "role-ambiguity,stigma")
    result = run("theme", "rename", "hope", "Hope and optimism")
    assert result.output == "Renamed theme hope: 'Hope' -> 'Hope and optimism'\n"
    result = run("theme", "merge", "digital", "--into", "hope", "--name", "Outcomes")
    assert result.output == ("Merged digital into theme hope 'Outcomes' (descriptive; codes: "
                             "hope, digital): 20 excerpts from 6 studies\n")
    result = run("theme", "split", "mixed", "--into", "Role ambiguity=role-ambiguity",
                 "--into", "Stigma=stigma")
    assert result.output == (
        "Split from mixed: theme role-ambiguity 'Role ambiguity' (descriptive; codes: "
        "role-ambiguity): 10 excerpts from 3 studies\n"
        "Split from mixed: theme stigma 'Stigma' (descriptive; codes: stigma): 0 excerpts "
        "from 0 studies\n"
        "Removed theme mixed (all its codes moved to the new themes)\n")
    result = run("theme", "remove", "stigma")
    assert result.output == "Removed theme stigma 'Stigma'\n"
    result = run("theme", "list", "--json")
    listed = json.loads(result.output)
    assert [(t["id"], t["name"], t["codes"]) for t in listed] == [
        ("hope", "Outcomes", ["hope", "digital"]), ("role-ambiguity", "Role ambiguity",
                                                    ["role-ambiguity"])]
    with open_store(built) as store:
        actions = [(e.action, e.entity) for e in store.events() if e.action.startswith("theme")]
    assert actions == [("theme add", "hope"), ("theme add", "digital"), ("theme add", "mixed"),
                       ("theme rename", "hope"), ("theme merge", "hope"),
                       ("theme split", "mixed"), ("theme remove", "stigma")]


def test_remove_moves_children_up(built):
    with open_store(built) as store:
        themes.add_theme(store, "Top", [], level="analytical")
        themes.add_theme(store, "Middle", ["stigma"], parent="top")
        themes.add_theme(store, "Leaf", ["hope"], parent="middle")
        themes.remove(store, "middle")
        assert themes.get_theme(store, "leaf").parent_id == "top"
        assert themes.evidence(store, "top").children == ["leaf"]
        assert len(themes.evidence(store, "top").excerpts) == 10


@pytest.mark.parametrize("args, code, message", [
    (("theme", "add", "X", "--codes", "hpe"), "E253",
     "Error: [E253] Code 'hpe' is not in codebook 'demo'. Did you mean 'hope'? List the codes "
     "with `thematic codebook show demo`.\n"),
    (("theme", "add", "hope", "--codes", "hope"), "E256",
     "Error: [E256] A theme named 'hope' already exists ('hope'). Choose another name, or "
     "rename or merge the existing theme.\n"),
    (("theme", "merge", "hope", "--into", "Hope"), "E255",
     "Error: [E255] Cannot merge theme 'hope' into itself. Name the theme(s) to merge and a "
     "different theme to merge them into.\n"),
    (("theme", "show", "hoep"), "E250",
     "Error: [E250] No theme 'hoep'. Did you mean 'hope'? List them with `thematic theme "
     "list`.\n"),
    (("theme", "rename", "hopes", "New"), "E250", None),
    (("theme", "edit", "hope", "--parent", "hope"), "E258", None),
    (("theme", "split", "hope", "--into", "A=stigma"), "E259", None),
    (("theme", "split", "hope", "--into", "no-equals"), "E257", None),
    (("theme", "add", "  ", "--codes", "hope"), "E257", None),
    (("theme", "add", "Y", "--codes", "hope", "--codebook", "dmo"), "E106", None),
])
def test_bad_input(built, run, args, code, message):
    run("theme", "add", "Hope", "--codes", "hope")
    before = dump(built)
    result = run(*args)
    assert result.exit_code == 2
    assert f"[{code}]" in result.output
    if message:
        assert result.output == message
    assert dump(built) == before


def test_parent_cycle_is_refused(built):
    with open_store(built) as store:
        themes.add_theme(store, "A", ["hope"])
        themes.add_theme(store, "B", ["stigma"], parent="a")
        with pytest.raises(ThematicError) as err:
            themes.edit(store, "a", parent="b")
        assert err.value.code == "E258"


def test_codes_need_a_codebook(run):
    result = run("theme", "add", "Hope", "--codes", "hope")
    assert result.exit_code == 2
    assert result.output == ("Error: [E261] The project has no codebook yet, so codes hope "
                             "cannot be checked. Load one with `thematic codebook load FILE` "
                             "first.\n")
