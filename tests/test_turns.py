"""Speaker turns, roles, exclusions and survey context (issue 19), on hand-written
transcripts in tests/data/interviews (several label styles, timestamps, French, Markdown)."""

from __future__ import annotations

import json

import pytest
from conftest import DATA

from thematic.corpus.turns import default_role, find_turns

INTERVIEWS = DATA / "interviews"


def turns_of(name: str, **kw):
    path = INTERVIEWS / name
    return find_turns(path.read_text(encoding="utf-8"), markdown=path.suffix == ".md", **kw)


def excerpts(run) -> list[dict]:
    result = run("excerpts", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_timestamp_first_labels_and_a_one_off_participant():
    found = turns_of("focus-group-ts.txt")
    assert [t.speaker for t in found.turns] == [
        "Interviewer 1", "P01", "P02", "Interviewer 2", "P01", "P02", "Interviewer 1", "P03",
        "P01", "Interviewer 2", "P02"]
    assert found.header_lines == 2
    assert found.turns[7].timestamp == "00:01:44"
    text = (INTERVIEWS / "focus-group-ts.txt").read_text(encoding="utf-8")
    # 'Note: P01 laughs.' labels one line only: it stays inside P01's turn
    assert text[found.turns[4].start:found.turns[4].end].endswith(
        "so I end up filling gaps.")
    assert "Note: P01 laughs." in text[found.turns[4].start:found.turns[4].end]


def test_bold_markdown_labels_keep_sections_and_continuation_lines():
    found = turns_of("interview-07.md")
    assert [(t.speaker, t.section) for t in found.turns][:2] == [
        ("Interviewer", "Starting out"), ("Ruth", "Starting out")]
    assert found.turns[-1].section == "Supervision"
    text = (INTERVIEWS / "interview-07.md").read_text(encoding="utf-8")
    assert text[found.turns[3].start:found.turns[3].end] == (
        "Lonely, to be honest. I was the only peer worker across three teams and nobody knew "
        "what to do with me.\nI spent a lot of time in the car.")


def test_name_then_timestamp_and_upper_case_french_labels():
    p03 = turns_of("P03-interview.txt")
    assert [(t.speaker, t.timestamp) for t in p03.turns][:2] == [("INT", "00:00:02"),
                                                                  ("P03", "00:00:05")]
    fr = turns_of("entretien-fr-04.txt")
    assert [t.speaker for t in fr.turns] == ["ENQUÊTRICE", "CLAIRE"] * 3


def test_a_transcribers_note_before_the_colon_is_part_of_the_label():
    text = ("Interviewer: Why?\nP03: Because.\nInterviewer (laughs): Fair enough. And then?\n"
            "P03 [pause]: Then it got better.\n")
    found = find_turns(text)
    assert [(t.speaker, text[t.start:t.end]) for t in found.turns] == [
        ("Interviewer", "Why?"), ("P03", "Because."),
        ("Interviewer", "Fair enough. And then?"), ("P03", "Then it got better.")]


def test_default_roles():
    assert [default_role(s) for s in ("Interviewer 2", "INT", "Q", "Enquêtrice", "P01",
                                      "Ruth", "Moderator")] == [
        "interviewer", "interviewer", "interviewer", "interviewer", "participant",
        "participant", "interviewer"]


def test_import_turns_cli(run):
    path = INTERVIEWS / "focus-group-ts.txt"
    result = run("import", "excerpts", "--segment", "turn", path,
                 "--interviewer", "Interviewer 1,Interviewer 2")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Warning: {path}: lines 1–2 (before the first speaker label) not imported, read as "
        "a header\n"
        f"{path}: 11 excerpts added, 0 unchanged, 0 changed, 1 source created.\n"
        "  speakers: Interviewer 1 (interviewer), P01 (participant), P02 (participant), "
        "Interviewer 2 (interviewer), P03 (participant)\n")
    rows = excerpts(run)
    assert [(r["speaker"], r["role"], r["location"]) for r in rows[:2]] == [
        ("Interviewer 1", "interviewer", "turn 1, line 4 [00:00:04]"),
        ("P01", "participant", "turn 2, line 5 [00:00:15]")]
    assert rows[1]["text"] == ("Two years in June. I started on the ward and moved to the "
                               "community team last spring.")
    assert rows[1]["attributes"] == {"line": 5, "timestamp": "00:00:15", "turn": 2}


def test_show_gives_the_turn_with_its_neighbours(run):
    run("import", "excerpts", "--segment", "turn", INTERVIEWS / "P03-interview.txt")
    rows = excerpts(run)
    result = run("excerpts", "show", rows[3]["id"])
    assert result.output.splitlines()[2:] == [
        "  [INT, interviewer]: Tell me about the peer group you joined.",
        "> [P03, participant]: " + rows[3]["text"],
        "  [INT, interviewer]: And now?"]


def test_languages_detected(run):
    run("import", "excerpts", "--segment", "turn", INTERVIEWS / "entretien-fr-04.txt",
        INTERVIEWS / "interview-07.md")
    langs = {(r["source_id"], r["language"]) for r in excerpts(run) if r["language"]}
    assert langs == {("entretien-fr-04", "fr"), ("interview-07", "en")}


def test_roles_file_and_unknown_speaker_warned(run):
    result = run("import", "excerpts", "--segment", "turn", INTERVIEWS / "P03-interview.txt",
                 "--roles", INTERVIEWS / "roles.csv")
    assert result.exit_code == 0, result.output
    assert ("Warning: the roles name speaker 'Interviewr', who has no turn in these files"
            in result.output)
    assert {r["speaker"]: r["role"] for r in excerpts(run)} == {"INT": "interviewer",
                                                                "P03": "participant"}


def test_no_labels_is_one_clear_error_and_nothing_lands(run):
    path = INTERVIEWS / "no-labels.txt"
    result = run("import", "excerpts", "--segment", "turn", INTERVIEWS / "interview-07.md",
                 path)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [E500] {path}: --segment turn found no speaker "
                                    "labels")
    assert "First lines: 'Just some notes.'" in result.output
    assert "Name [00:12:31]:" in result.output
    assert excerpts(run) == []


def test_long_turn_warned(run, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("A: " + "word " * 12_000 + "\nB: short.\nA: again.\nB: fine.\n",
                    encoding="utf-8")
    result = run("import", "excerpts", "--segment", "turn", path, "--language", "none")
    assert result.exit_code == 0
    assert f"Warning: {path}, line 1: the turn of A is 59,999 characters long" in result.output


def test_single_newline_paragraphs_noted(run):
    path = INTERVIEWS / "notes-single-newline.txt"
    result = run("import", "excerpts", path)
    assert (f"Warning: {path}: no blank lines between paragraphs, so each of its 5 lines is "
            "a paragraph") in result.output
    assert len(excerpts(run)) == 5


def test_empty_document_among_several_is_warned(run, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = run("import", "excerpts", INTERVIEWS / "notes-single-newline.txt", empty)
    assert result.exit_code == 0, result.output
    assert f"Warning: {empty}: empty, nothing imported" in result.output


def test_turn_segment_refuses_sheets(run, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("text,source\nhello,1\n", encoding="utf-8")
    result = run("import", "excerpts", "--segment", "turn", sheet)
    assert result.exit_code == 2
    assert "[E501]" in result.output


@pytest.fixture
def interviews(run):
    result = run("import", "excerpts", "--segment", "turn", INTERVIEWS / "P03-interview.txt",
                 INTERVIEWS / "interview-07.md")
    assert result.exit_code == 0, result.output
    return run


def test_exclude_and_include_are_logged(interviews, project):
    rows = excerpts(interviews)
    target = rows[1]["id"]
    result = interviews("excerpts", "exclude", target, "--reason", "consent check only")
    assert result.output == "1 excerpt excluded (consent check only); 0 already excluded.\n"
    assert excerpts(interviews)[1]["excluded"] == "consent check only"
    back = interviews("excerpts", "include", target)
    assert back.output == "1 excerpt included again; 0 were not excluded.\n"
    from thematic.project import open_store

    with open_store(project) as store:
        actions = [e.action for e in store.events()][-2:]
    assert actions == ["excerpts exclude", "excerpts include"]


def test_excluding_an_unknown_excerpt_changes_nothing(interviews):
    good = excerpts(interviews)[1]["id"]
    result = interviews("excerpts", "exclude", good, "no-such-id", "--reason", "x")
    assert result.exit_code == 2
    assert "[E503] No excerpt 'no-such-id'" in result.output
    assert all(r["excluded"] is None for r in excerpts(interviews))


def test_docx_tables_insertions_content_controls_and_footnotes():
    from thematic.corpus.readers import read_document

    doc = read_document(INTERVIEWS / "tracked-table.docx")
    texts = [(doc.text[s:e], {k: v for k, v in a.items() if k != "section"})
             for s, e, a in doc.blocks]
    assert texts == [
        ("The participant clearly valued the weekly supervision with a senior peer worker.",
         {"paragraph": 1}),
        ("Interviewer: What made the role clearer for you?", {"paragraph": 2, "table_row": 1}),
        ("Participant: Writing the job description together with the other peer workers, so "
         "everyone knew what we were for.", {"paragraph": 3, "table_row": 2}),
        ("Interviewer: And what is still hard?", {"paragraph": 4, "table_row": 3}),
        ("Participant: The funding, every year we wait to hear if the posts continue.",
         {"paragraph": 5}),
        ("Transcriber: the participant asked that the site not be named.",
         {"paragraph": 6, "footnote": "1"})]


def test_odt_reads_accepted_text_tables_and_notes(run):
    path = INTERVIEWS / "entretien-05.odt"
    result = run("import", "excerpts", "--segment", "turn", path)
    assert result.exit_code == 0, result.output
    assert "1 footnote or endnote not imported (not speaker turns)" in result.output
    rows = excerpts(run)
    assert [(r["speaker"], r["role"], r["language"]) for r in rows] == [
        ("ENQUÊTEUR", "interviewer", None), ("MARC", "participant", "fr"),
        ("ENQUÊTEUR", "interviewer", None), ("MARC", "participant", "fr")]
    assert rows[1]["text"] == ("Au début je n'avais pas de supervision du tout. Maintenant je "
                               "vois une pair-aidante expérimentée tous les quinze jours.")


def test_damaged_odt_is_a_clear_error(run, tmp_path):
    bad = tmp_path / "bad.odt"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("import", "excerpts", bad)
    assert result.exit_code == 2
    assert "[E026]" in result.output and "ODT" in result.output
