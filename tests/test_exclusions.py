"""Excluded excerpts and interviewer turns leave every count, theme, network and report
(issue 19); the audit re-derives the report's figures the same way."""

from __future__ import annotations

import json

import pytest
from test_audit_checks import audit_json
from test_audit_fixtures import build

from thematic.project import open_store


@pytest.fixture
def built(project):
    build(project, report=False)
    return project


def render(project) -> str:
    from thematic.report import render as go

    with open_store(project) as store:
        out = go(store, project / "reports" / "r.md", title="Peer support")
    return out.read_text(encoding="utf-8")


def test_excluded_excerpt_leaves_theme_report_and_network(built, run):
    from thematic import themes
    from thematic.network.cooccur import incidence

    result = run("excerpts", "exclude", "F002", "--reason", "out of scope")
    assert result.exit_code == 0, result.output
    with open_store(built) as store:
        assert themes.evidence(store, "role-ambiguity").excerpts == ["F001"]
        assert "F002" not in incidence(store, "code").excerpts
    text = render(built)
    assert "F002" not in text
    assert ("- 1 excerpt was excluded by the researchers and count nowhere in this report: "
            "1 because “out of scope”.") in text
    assert "This synthesis draws on 5 excerpts from 3 of the project's 3 studies" in text
    code, problems = audit_json(run)     # the report's figures re-derive without F002
    assert (code, [p["check"] for p in problems]) == (0, ["theme-single-study"])
    run("excerpts", "include", "F002")
    with open_store(built) as store:
        assert themes.evidence(store, "role-ambiguity").excerpts == ["F001", "F002"]


def test_report_without_exclusions_has_no_scope_section(built):
    assert "What the analysis leaves out" not in render(built)


def test_interviewer_turns_are_never_evidence(built, run, tmp_path):
    from thematic.store.codings import Coding, add_codings

    path = tmp_path / "t.txt"
    path.write_text("Interviewer: Did the peer role feel unclear to you?\n\n"
                    "P1: Yes, my role in the team was never written down.\n\n"
                    "Interviewer: And hope?\n\nP1: I found hope again.\n", encoding="utf-8")
    result = run("import", "excerpts", "--segment", "turn", path, "--source", "1")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("excerpts", "list", "--source", "1", "--json").output)
    turn_ids = {r["role"]: r["id"] for r in rows if r["role"]}
    with open_store(built) as store:
        with store.transaction("test codings"):
            # a person (wrongly) codes the interviewer's question: still not evidence
            add_codings(store, [Coding(excerpt_id=turn_ids["interviewer"], codebook_id=1,
                                       code_id="role-ambiguity", coder="gold")])
        from thematic import themes

        evidence = themes.evidence(store, "role-ambiguity").excerpts
    assert turn_ids["interviewer"] not in evidence
    text = render(built)
    assert "- 2 interviewer turns of the transcripts are kept for context" in text
    assert audit_json(run) == (0, [])


def test_code_auto_skips_interviewers_and_other_languages(run, tmp_path):
    book = tmp_path / "cb.yaml"
    book.write_text("name: mini\nversion: '1'\ntitle: Mini\nlanguage: en\ncodes:\n"
                    "  - id: supervision\n    name: Supervision\n    definition: Supervision "
                    "of peer workers\n    rules:\n      phrases: [supervision]\n",
                    encoding="utf-8")
    assert run("codebook", "load", book).exit_code == 0
    path = tmp_path / "t.txt"
    path.write_text(
        "Interviewer: Tell me about supervision, how often do you get it and from whom?\n\n"
        "P1: Supervision with a senior peer worker every fortnight keeps me going.\n\n"
        "Interviewer: Anything else you would like to add about supervision?\n\n"
        "P1: La supervision avec une autre pair-aidante, une fois par mois, m'aide beaucoup "
        "à tenir.\n", encoding="utf-8")
    assert run("import", "excerpts", "--segment", "turn", path).exit_code == 0
    result = run("code", "auto", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert (found["excerpts"], found["found"], found["other_language"]) == (1, 1, 1)


def test_studies_import_from_a_file_imported_as_excerpts(run, tmp_path):
    sheet = tmp_path / "survey.csv"
    sheet.write_text("Case,site,answer\nR1,Leeds,The staff listened to me.\n"
                     "R2,York,Nothing.\n", encoding="utf-8")
    first = run("import", "excerpts", sheet, "--source-column", "Case", "--create-sources")
    assert first.exit_code == 0, first.output
    again = run("import", "studies", sheet, "--id-column", "Case")
    assert again.output == f"{sheet}: 0 studies added, 2 updated, 0 unchanged.\n"
    studies = json.loads(run("studies", "list", "--json").output)
    assert [s["attributes"] for s in studies] == [{"answer": "The staff listened to me.",
                                                   "site": "Leeds"},
                                                  {"answer": "Nothing.", "site": "York"}]
    assert run("import", "studies", sheet, "--id-column", "Case").output == (
        f"{sheet}: already imported; nothing added.\n")


def test_survey_question_is_kept_and_shown(run, tmp_path):
    sheet = tmp_path / "survey.csv"
    sheet.write_text("respondent,question,answer\n"
                     "R1,What could the service do better?,Nothing.\n", encoding="utf-8")
    run("import", "excerpts", sheet, "--source-column", "respondent", "--create-sources")
    row = json.loads(run("excerpts", "list", "--json").output)[0]
    assert (row["context"], row["text"], row["attributes"]) == (
        "What could the service do better?", "Nothing.", {})
    shown = run("excerpts", "show", row["id"]).output.splitlines()
    assert shown[1:] == ["Context: What could the service do better?", "", "Nothing."]


def test_wide_survey_answer_column_header_is_the_context(run, tmp_path):
    sheet = tmp_path / "wide.csv"
    sheet.write_text("id,What helped you most?\nR1,Talking to someone who had been there.\n",
                     encoding="utf-8")
    run("import", "excerpts", sheet, "--text-column", "What helped you most?",
        "--source-column", "id", "--create-sources")
    row = json.loads(run("excerpts", "list", "--json").output)[0]
    assert row["context"] == "What helped you most?"


def test_empty_qdpx_source_is_warned_and_left_out(store, tmp_path):
    """NVivo exports empty sources (memos, media stubs): they become no excerpt."""
    import zipfile

    from test_refi_foreign import QDE, TEXT1

    from thematic.interop.qdpx_import import import_qdpx
    from thematic.store.corpus import list_excerpts

    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", QDE)
        zf.writestr("Sources/e1.txt", TEXT1)
        zf.writestr("Sources/e2.txt", "  \n")
        zf.writestr("Sources/j.txt", "Day one.\n")
    result = import_qdpx(store, path)
    assert f"{path}: 1 empty source not imported: Interview 2" in result.warnings
    assert [e.text for e in list_excerpts(store)] == [TEXT1]


def test_agreement_leaves_excluded_excerpts_out(built, run):
    from thematic.agreement.units import load
    from thematic.store.codings import Coding, add_codings, mark_reviewed

    with open_store(built) as store, store.transaction("a second coder"):
        ids = ["F001", "F002", "F003", "F004", "F005", "F006"]
        add_codings(store, [Coding(excerpt_id="F005", codebook_id=1, code_id="digital",
                                   coder="ana")])
        mark_reviewed(store, "gold", ids, 1)
        mark_reviewed(store, "ana", ids, 1)
    run("excerpts", "exclude", "F006", "--reason", "duplicate of F005")
    with open_store(built) as store:
        found = load(store, coders=["gold", "ana"])
    assert found.excerpts == ["F001", "F002", "F003", "F004", "F005"]


def test_report_counts_other_language_excerpts(run, project, tmp_path):
    from conftest import DATA

    book = tmp_path / "cb.yaml"
    book.write_text("name: mini\nversion: '1'\ntitle: Mini\nlanguage: en\ncodes:\n"
                    "  - id: supervision\n    name: Supervision\n    definition: Supervision\n",
                    encoding="utf-8")
    assert run("codebook", "load", book).exit_code == 0
    result = run("import", "excerpts", "--segment", "turn",
                 DATA / "interviews" / "entretien-fr-04.txt", DATA / "interviews" /
                 "interview-07.md")
    assert result.exit_code == 0, result.output
    text = render(project)
    assert ("- 3 excerpts in another language than the codebook's (en): fr 3; the codebook's "
            "rules did not code them") in text
    assert "- 7 interviewer turns of the transcripts are kept for context" in text
