"""Review findings, appraisal and GRADE-CERQual: the library, the commands (exact output),
bad input (each one clear error, nothing changed) and the published worked example."""

from __future__ import annotations

import hashlib
import json

import pytest
from test_themes_cli import dump
from test_themes_fixtures import build

from thematic.errors import ThematicError
from thematic.findings import add_finding, cerqual, evidence, list_findings
from thematic.findings.appraisal import import_appraisal
from thematic.project import open_store


@pytest.fixture
def built(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795564800")   # 2026-11-25T00:00:00Z
    with open_store(project) as store:
        build(store)
        from thematic.themes import add_theme

        add_theme(store, "Role ambiguity", ["role-ambiguity"])
        add_theme(store, "Hope", ["hope"])
    return project


# --- findings -------------------------------------------------------------------------------

def test_finding_commands_exact_output(built, run):
    result = run("finding", "add", "Peer workers' roles are often unclear",
                 "--theme", "role-ambiguity")
    assert result.exit_code == 0, result.output
    assert result.output == ("Added finding F1 (themes: role-ambiguity): 10 excerpts from "
                             "3 studies\n")
    run("finding", "add", "Hope grows", "--theme", "Hope")
    assert run("finding", "list").output == (
        "id  statement                              themes          studies  excerpts\n"
        "--  -------------------------------------  --------------  -------  --------\n"
        "F1  Peer workers' roles are often unclear  role-ambiguity  3        10\n"
        "F2  Hope grows                             hope            3        10\n")
    assert run("finding", "show", "f2").output == (
        "F2: Hope grows\n"
        "  theme hope: 10 excerpts\n"
        "  evidence: 10 excerpts from 3 studies: 2, 4, 6\n")
    traced = run("finding", "show", "F2", "--chain").output.splitlines()
    assert traced[3:5] == ["  theme hope: Hope (descriptive)",
                           "    evidence: 10 excerpts from 3 studies (2, 4, 6)"]
    assert any(line.strip().startswith("excerpt F005") for line in traced), traced
    doc = json.loads(run("finding", "list", "--json").output)
    assert [d["id"] for d in doc] == ["F1", "F2"] and doc[1]["studies"] == ["2", "4", "6"]
    assert run("finding", "remove", "F1").output == (
        "Removed finding F1: Peer workers' roles are often unclear\n")
    # numbers are never reused: the next finding is F3, not F1
    run("finding", "add", "Digital contact helps", "--theme", "hope")
    assert [f["id"] for f in json.loads(run("finding", "list", "--json").output)] == \
        ["F2", "F3"]


def test_finding_resting_on_no_theme_is_refused(built, run):
    before = dump(built)
    result = run("finding", "add", "A free-floating claim")
    assert result.exit_code == 2
    assert result.output == ("Error: [E590] A finding must rest on at least one theme: 'A "
                             "free-floating claim' names none. Add --theme THEME (list them "
                             "with `thematic theme list`).\n")
    result = run("finding", "add", "Another", "--theme", "no-such-theme")
    assert result.exit_code == 2 and "[E250]" in result.output
    assert dump(built) == before


def test_finding_evidence_adds_its_own_codes(built):
    with open_store(built) as store:
        made = add_finding(store, "Roles and digital contact", ["role-ambiguity"],
                           ["digital"])
        ev = evidence(store, made)
    assert sorted(ev.by_code) == ["digital", "role-ambiguity"]
    assert len(ev.excerpts) == 20 and ev.studies == ["1", "3", "5"]


# --- appraisal ------------------------------------------------------------------------------

def test_appraisal_import_and_unknown_study(built, run, tmp_path):
    good = tmp_path / "casp.csv"
    good.write_text("study,tool,overall,Q1 clear aims\n1,CASP,minor,yes\n3,CASP,Serious "
                    "limitations,no\n", encoding="utf-8")
    result = run("appraise", "import", good)
    assert result.output == (f"Appraisal from {good}: 2 studies added, 0 changed "
                             "(1 minor limitations, 1 serious limitations)\n")
    assert run("appraise", "list").output == (
        "study  tool  rating               items\n"
        "-----  ----  -------------------  -----\n"
        "1      CASP  minor limitations    1\n"
        "3      CASP  serious limitations  1\n")
    withdrawn = tmp_path / "withdrawn.csv"
    withdrawn.write_text("study,overall\n3,not appraised\n", encoding="utf-8")
    run("appraise", "import", withdrawn)
    assert [a["source_id"] for a in json.loads(run("appraise", "list", "--json").output)] \
        == ["1"]
    before = dump(built)
    bad = tmp_path / "bad.csv"
    bad.write_text("study,overall\n2,minor\n99,serious\n", encoding="utf-8")
    result = run("appraise", "import", bad)
    assert result.exit_code == 2
    assert result.output == (f"Error: [E593] {bad}, row 3, column 'study': study '99' is not "
                             "in the project. Use the study ids of `thematic studies list`; "
                             "nothing was imported.\n")
    rating = tmp_path / "rating.csv"
    rating.write_text("study,overall\n2,pretty good\n", encoding="utf-8")
    result = run("appraise", "import", rating)
    assert result.exit_code == 2 and "[E594]" in result.output and "row 2" in result.output
    assert dump(built) == before


# --- CERQual --------------------------------------------------------------------------------

def test_cerqual_set_records_who_and_when_and_refuses_off_scale(built, run):
    run("finding", "add", "Roles are unclear", "--theme", "role-ambiguity")
    result = run("cerqual", "set", "F1", "--coherence", "minor concerns", "--why",
                 "one study describes clear roles")
    assert result.output == ("Recorded F1 coherence: minor concerns (tester, "
                             "2026-11-25T00:00:00Z)\n")
    before = dump(built)
    result = run("cerqual", "set", "F1", "--coherence", "a bit", "--why", "x")
    assert result.exit_code == 2
    assert result.output == ("Error: [E597] --coherence 'a bit' is not on the GRADE-CERQual "
                             "scale. Use one of: no or very minor concerns, minor concerns, "
                             "moderate concerns, serious concerns.\n")
    result = run("cerqual", "set", "F1", "--overall", "medium", "--why", "x")
    assert result.exit_code == 2 and "high, moderate, low, very low" in result.output
    result = run("cerqual", "set", "F1", "--overall", "high")
    assert result.exit_code == 2 and "[E598]" in result.output
    assert dump(built) == before
    doc = json.loads(run("cerqual", "--json").output)
    coherence = doc["profiles"][0]["components"][1]
    assert (coherence["judgement"], coherence["by"]) == ("minor concerns", "tester")
    assert doc["profiles"][0]["proposal"] is None          # never decided silently
    assert "never recorded as the judgement" in doc["rule"]


@pytest.mark.parametrize(("judged", "proposed"), [
    (("no or very minor concerns",) * 4, "high"),
    (("serious concerns", "minor concerns", "no or very minor concerns",
      "serious concerns"), "low"),
    (("serious concerns",) * 4, "very low"),
])
def test_proposal_rates_down_one_level_per_serious_concern(judged, proposed):
    found, _, _ = cerqual.propose(dict(zip(cerqual.COMPONENTS, judged)))
    assert found == proposed


def test_no_proposal_until_every_component_is_judged():
    found, why, _ = cerqual.propose({"limitations": "minor concerns"})
    assert found is None and "coherence, adequacy, relevance" in why


def _example_a(store) -> None:
    """Lewin et al. 2018, Implementation Science 13(Suppl 1):10 (GRADE-CERQual paper 2),
    Table 3 "CERQual Evidence Profile — Example A", finding 1 "Use of force" (from Bohren
    et al. 2015's review of the mistreatment of women during childbirth): 15 contributing
    studies, 6 with minor, 6 with moderate and 3 with serious methodological limitations,
    from 10 countries. (The published row lists 18 reference numbers but states 15
    studies; the appraisal counts add up to 15, which is what we reproduce.)"""
    from thematic.store.codebooks import Code, insert_codebook
    from thematic.store.codings import Coding, add_codings
    from thematic.store.corpus import Source, insert_excerpts, upsert_source
    from thematic.themes import add_theme

    countries = ["Nigeria", "Ghana", "Kenya", "Tanzania", "Ethiopia", "Malawi", "India",
                 "Brazil", "Turkey", "Sweden"]
    with store.transaction("worked example"):
        rows = []
        for n in range(1, 16):
            upsert_source(store, Source(id=str(n), first_author=f"Study{n}", year=2010,
                                        country=countries[min(n, 15) % 10]), None)
            text = f"Women reported physical force by providers during childbirth ({n})."
            rows.append((f"E{n:02d}", str(n), text, hashlib.sha256(text.encode()).hexdigest(),
                         None, 0, len(text), f"row {n + 1}", n, "{}"))
        insert_excerpts(store, rows)
        book = insert_codebook(store, name="mistreatment", version="1", digest="e" * 64,
                               title="Mistreatment", metadata={}, content="{}",
                               source_path=None,
                               codes=[Code(id="physical-force", name="Physical force")])
        add_codings(store, [Coding(excerpt_id=f"E{n:02d}", codebook_id=book,
                                   code_id="physical-force", coder="gold", method="import")
                            for n in range(1, 16)])
    add_theme(store, "Use of force", ["physical-force"], codebook="mistreatment")


def test_worked_example_lewin_2018_table_3_finding_1(project, tmp_path):
    with open_store(project) as store:
        _example_a(store)
        sheet = tmp_path / "appraisal.csv"
        ratings = ["minor"] * 6 + ["moderate"] * 6 + ["serious"] * 3
        sheet.write_text("study,overall\n" + "".join(f"{n},{r}\n" for n, r in
                                                     enumerate(ratings, start=1)))
        import_appraisal(store, sheet)
        add_finding(store, "Use of force: women across the world reported experiencing "
                           "physical force by health providers during childbirth.",
                    ["use-of-force"])
        # The published judgements for this finding (Table 3, Example A, finding 1).
        found = cerqual.set_judgement(
            store, "F1", limitations="moderate concerns", coherence="no or very minor",
            adequacy="no or very minor concerns", relevance="minor concerns",
            why="15 studies with moderate methodological limitations. Data from 10 "
                "countries across all geographical regions, but predominantly sub-Saharan "
                "Africa. No or very minor concerns about coherence and adequacy.")
        limitations, _, adequacy, relevance = found.components
        assert limitations.evidence["ratings"] == {
            "minor limitations": 6, "moderate limitations": 6, "serious limitations": 3}
        assert limitations.summary == ("15 studies: 6 with minor limitations, 6 with moderate "
                                       "limitations, 3 with serious limitations; 3 of 15 (20%) "
                                       "with serious limitations")
        assert adequacy.evidence["studies"] == 15
        assert len(relevance.evidence["countries"]) == 10
        # No component has serious concerns: the proposal is the published "High confidence";
        # the two minor/moderate concerns are flagged, and the authors kept high.
        assert found.proposal == "high"
        assert found.flags and "consider rating down" in found.flags[0]
        assert found.overall.judgement is None
        final = cerqual.set_judgement(store, "F1", overall="High confidence", why="As "
                                      "published (Lewin et al. 2018, Table 3).")
        assert final.overall.judgement == "high"
        from thematic.report import build_context

        row = build_context(store)["findings"]["rows"][0]
    assert (row["confidence_text"], row["studies"]) == ("High confidence", 15)


def test_relevance_against_recorded_scope(built):
    with open_store(built) as store:
        from thematic.store.corpus import Source, upsert_source

        with store.transaction("attributes"):
            upsert_source(store, Source(id="1", first_author="Author1", year=2020,
                                        population="adults with SMI"), None)
            upsert_source(store, Source(id="3", first_author="Author3", year=2022,
                                        population="young people"), None)
        cerqual.set_scope(store, population="adult")
        add_finding(store, "Roles are unclear", ["role-ambiguity"])
        relevance = cerqual.profile(store, "F1").components[3]
    assert (relevance.evidence["direct"], relevance.evidence["partial"],
            relevance.evidence["unclear"]) == (1, 1, 1)
    assert relevance.evidence["by_study"] == {"1": "direct", "3": "partial", "5": "unclear"}


def test_findings_listing_needs_no_heavy_import(built):
    with open_store(built) as store:
        add_finding(store, "Roles are unclear", ["role-ambiguity"])
        assert [f.id for f in list_findings(store)] == ["F1"]
    with pytest.raises(ThematicError) as caught, open_store(built) as store:
        cerqual.profile(store, "F9")
    assert caught.value.code == "E591"


def test_judgements_from_a_file(built, run, tmp_path):
    run("finding", "add", "Roles are unclear", "--theme", "role-ambiguity")
    sheet = tmp_path / "judgements.csv"
    sheet.write_text("finding,component,judgement,why\nF1,coherence,minor,one study differs\n"
                     "F1,overall,Moderate confidence,minor concerns only\n", encoding="utf-8")
    assert run("cerqual", "import", sheet).output == (
        f"Recorded 2 CERQual judgements from {sheet}\n")
    before = dump(built)
    sheet.write_text("finding,component,judgement,why\nF1,adequacy,minor,ok\n"
                     "F1,relevance,somewhat,unsure\n", encoding="utf-8")
    result = run("cerqual", "import", sheet)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [E601] {sheet}, row 3, column 'judgement': "
                                    "--relevance 'somewhat' is not on the GRADE-CERQual scale")
    assert dump(built) == before
    with open_store(built) as store:
        found = cerqual.profile(store, "F1")
    assert (found.components[1].judgement, found.overall.judgement) == ("minor concerns",
                                                                         "moderate")
