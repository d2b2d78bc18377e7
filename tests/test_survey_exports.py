"""Sheets exported by survey tools: their header rows are questions, never answers or cases."""

from __future__ import annotations

import json
from pathlib import Path

# Qualtrics' current CSV export: ids, the question wording, then a row of import ids.
QUALTRICS = (
    "StartDate,Finished,ResponseId,Q1,Q2\n"
    "Start Date,Finished,Response ID,Which service did you use?,"
    "What did you value most about your peer worker?\n"
    '"{""ImportId"":""startDate"",""timeZone"":""Europe/London""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""_recordId""}",'
    '"{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"\n'
    '2026-03-01 10:00:00,1,R_1abc,Community,"She had been there herself, so I did not '
    'have to explain."\n'
    "2026-03-02 11:00:00,1,R_2def,Inpatient,Someone who listened without judging me.\n")

# SurveyMonkey: a multiple-choice question spans two columns, the second without a header;
# row 2 names each column's choice or says "Response" / "Open-Ended Response".
SURVEYMONKEY = (
    "Respondent ID,Collector ID,Which services did you use?,,"
    "What did you value most about your peer worker?\n"
    ",,Community,Inpatient,Open-Ended Response\n"
    '114317239551,431234567,Community,,"She had been there herself, so I did not have to '
    'explain."\n'
    "114317239552,431234567,,Inpatient,Someone who listened without judging me.\n")


def _listed(run) -> list[dict]:
    result = run("excerpts", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_qualtrics_header_rows_are_questions(run, tmp_path: Path):
    sheet = tmp_path / "qualtrics.csv"
    sheet.write_text(QUALTRICS, encoding="utf-8")
    result = run("import", "excerpts", sheet, "--text-column", "Q2",
                 "--source-column", "ResponseId", "--create-sources")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Warning: {sheet}: read as a Qualtrics export; rows 2 and 3 hold the questions, "
        f"not answers\n"
        f"{sheet}: 2 excerpts added, 0 unchanged, 0 changed, 2 sources created.\n")
    rows = _listed(run)
    assert [(r["source_id"], r["location"]) for r in rows] == [
        ("R_1abc", "row 4, column Q2"), ("R_2def", "row 5, column Q2")]
    assert rows[0]["attributes"] == {"Finished": "1", "Q1": "Community",
                                     "StartDate": "2026-03-01 10:00:00"}
    shown = run("excerpts", "show", rows[0]["id"])
    assert "Context: What did you value most about your peer worker?\n" in shown.output


def test_qualtrics_cases_skip_the_header_rows(run, tmp_path: Path):
    sheet = tmp_path / "qualtrics.csv"
    sheet.write_text(QUALTRICS, encoding="utf-8")
    result = run("import", "studies", sheet, "--id-column", "ResponseId")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"{sheet}: 2 studies added, 0 updated, 0 unchanged.\n")


def test_surveymonkey_subheadings_name_the_choice_columns(run, tmp_path: Path):
    sheet = tmp_path / "monkey.csv"
    sheet.write_text(SURVEYMONKEY, encoding="utf-8")
    question = "What did you value most about your peer worker?"
    result = run("import", "excerpts", sheet, "--text-column", question,
                 "--source-column", "Respondent ID", "--create-sources")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Warning: {sheet}: read as a SurveyMonkey export; row 2 holds the questions, not "
        f"answers\n")
    rows = _listed(run)
    assert [r["location"].split(",")[0] for r in rows] == ["row 3", "row 4"]
    assert [r["attributes"] for r in rows] == [
        {"Collector ID": "431234567", "Which services did you use?": "Community"},
        {"Collector ID": "431234567",
         "Which services did you use? – Inpatient": "Inpatient"}]


def test_an_ordinary_sheet_keeps_its_first_rows(run, tmp_path: Path):
    # a first answer that looks like a heading is still an answer
    sheet = tmp_path / "answers.csv"
    sheet.write_text("id,source,response\nA1,S1,Response\nA2,S1,Open-Ended Response\n",
                     encoding="utf-8")
    result = run("import", "excerpts", sheet, "--create-sources")
    assert result.output == f"{sheet}: 2 excerpts added, 0 unchanged, 0 changed, " \
                            f"1 source created.\n"


def test_an_export_with_only_header_rows_is_empty(run, tmp_path: Path):
    sheet = tmp_path / "qualtrics.csv"
    sheet.write_text("".join(QUALTRICS.splitlines(keepends=True)[:3]), encoding="utf-8")
    result = run("import", "excerpts", sheet, "--text-column", "Q2",
                 "--source-column", "ResponseId")
    assert result.exit_code == 2
    assert "E012" in result.output


def test_a_missing_text_column_is_named_with_the_questions(run, tmp_path: Path):
    sheet = tmp_path / "qualtrics.csv"
    sheet.write_text(QUALTRICS, encoding="utf-8")
    result = run("import", "excerpts", sheet)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: [E013] {sheet}: no column 'text' (use --text-column). Columns in the file: "
        "StartDate (Start Date), Finished, ResponseId (Response ID), "
        "Q1 (Which service did you use?), "
        "Q2 (What did you value most about your peer worker?).\n")
