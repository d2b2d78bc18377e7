"""Microsoft Teams' older .docx transcript (a timing line, the speaker's name, the words, cue
after cue): one excerpt per speaker turn, located like a caption file's, and the malformed
variants a hand-edited export gives. The files are built with python-docx in the shape the
export has; the newer export (``Name   0:03`` above the words) is checked alongside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

# An invented interview in the old export's shape: Jane's answer spans two cues.
CUES = [("0:0:0.0 --> 0:0:4.870", "Interviewer", "How did you first meet your peer worker?"),
        ("0:0:5.250 --> 0:0:9.100", "Jane Doe", "I was on the ward, and she came in"),
        ("0:0:9.100 --> 0:0:12.400", "Jane Doe", "and said she'd been there too."),
        ("0:0:13.0 --> 0:0:15.500", "Interviewer", "What changed?")]


def _docx(path: Path, cues, *, breaks: bool = False) -> Path:
    """A .docx of ``cues`` (timing, name, words; None leaves the line out): a paragraph a
    line, or (``breaks``) a paragraph a cue with line breaks, as Word pasted it."""
    document = docx.Document()
    for cue in cues:
        lines = [line for line in cue if line is not None]
        if breaks:
            run = document.add_paragraph().add_run()
            for n, line in enumerate(lines):
                if n:
                    run.add_break()
                run.add_text(line)
        else:
            for line in lines:
                document.add_paragraph(line)
    document.save(str(path))
    return path


def _turns(run) -> list[tuple]:
    rows = json.loads(run("excerpts", "list", "--json").output)
    return [(e["speaker"], e["role"], e["text"], e["location"]) for e in rows]


def test_the_old_export_is_cut_at_its_speakers_and_located_by_time(run, tmp_path):
    path = _docx(tmp_path / "p07.docx", CUES)
    result = run("import", "excerpts", path)
    assert result.output == (
        f"{path}: 3 excerpts added, 0 unchanged, 0 changed, 1 source created.\n"
        "  speakers: Interviewer (interviewer), Jane Doe (participant)\n")
    # "line 4" is the document's fourth paragraph: the timing line of Jane's first cue
    assert _turns(run) == [
        ("Interviewer", "interviewer", "How did you first meet your peer worker?",
         "turn 1, line 1 [00:00:00.000]"),
        ("Jane Doe", "participant", "I was on the ward, and she came in and said she'd been "
                                    "there too.", "turn 2, line 4 [00:00:05.250]"),
        ("Interviewer", "interviewer", "What changed?", "turn 3, line 10 [00:00:13.000]")]


def test_a_cue_per_paragraph_with_line_breaks(run, tmp_path):
    path = _docx(tmp_path / "p07.docx", CUES, breaks=True)
    assert run("import", "excerpts", path).exit_code == 0
    assert [(t[0], t[3]) for t in _turns(run)] == [
        ("Interviewer", "turn 1, line 1 [00:00:00.000]"),
        ("Jane Doe", "turn 2, line 2 [00:00:05.250]"),
        ("Interviewer", "turn 3, line 4 [00:00:13.000]")]


def test_a_missing_name_line_continues_the_turn_before_it(run, tmp_path):
    cues = [CUES[0], CUES[1], (CUES[2][0], None, CUES[2][2]), CUES[3]]
    assert run("import", "excerpts", _docx(tmp_path / "p07.docx", cues)).exit_code == 0
    assert [(t[0], t[2]) for t in _turns(run)] == [
        ("Interviewer", "How did you first meet your peer worker?"),
        ("Jane Doe", "I was on the ward, and she came in and said she'd been there too."),
        ("Interviewer", "What changed?")]


def test_a_cue_without_words_is_skipped(run, tmp_path):
    cues = [CUES[0], (CUES[1][0], "Jane Doe", None), CUES[2], CUES[3]]
    assert run("import", "excerpts", _docx(tmp_path / "p07.docx", cues)).exit_code == 0
    assert [(t[0], t[2], t[3]) for t in _turns(run)][1] == (
        "Jane Doe", "and said she'd been there too.", "turn 2, line 6 [00:00:09.100]")


def test_a_first_cue_without_a_name_is_the_header(run, tmp_path):
    cues = [(CUES[0][0], None, CUES[0][2]), *CUES[1:]]
    path = _docx(tmp_path / "p07.docx", cues)
    result = run("import", "excerpts", path)
    assert result.output.startswith(
        f"Warning: {path}: line 1 (before the first speaker label) not imported, read as a "
        f"header\n{path}: 2 excerpts added")
    assert [t[0] for t in _turns(run)] == ["Jane Doe", "Interviewer"]


def test_timing_lines_without_words_are_e026(run, tmp_path, project):
    from conftest import db_bytes

    before = db_bytes(project)
    path = _docx(tmp_path / "p07.docx", [(c[0], None, None) for c in CUES])
    result = run("import", "excerpts", path)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: [E026] {path}: cannot read the file (it starts with a timing line such as "
        "'0:0:0.0 --> 0:0:5.250', but no cue has words under its speaker's name). Check "
        "that it is a valid Microsoft Teams transcript (.docx) file and not open in another "
        "program.\n")
    assert db_bytes(project) == before


def test_an_ordinary_docx_is_read_as_paragraphs(run, tmp_path):
    path = tmp_path / "notes.docx"
    document = docx.Document()
    document.add_paragraph("Peer workers gave hope.")
    document.add_paragraph("0:0:0.0 --> 0:0:5.250 is how the old export starts.")
    document.save(str(path))
    assert run("import", "excerpts", path).exit_code == 0
    assert [t[3] for t in _turns(run)] == ["paragraph 1", "paragraph 2"]


def test_the_newer_export_reads_as_labelled_turns(run, tmp_path):
    path = tmp_path / "p08.docx"
    document = docx.Document()
    for name, time, words in [("Interviewer", "0:03", "How did you meet your peer worker?"),
                              ("Jane Doe", "0:09", "On the ward."),
                              ("Interviewer", "0:15", "What changed?"),
                              ("Jane Doe", "0:18", "Everything.")]:
        document.add_paragraph(f"{name}   {time}")
        document.add_paragraph(words)
    document.save(str(path))
    assert run("import", "excerpts", "--segment", "turn", path).exit_code == 0
    assert [(t[0], t[2], t[3]) for t in _turns(run)] == [
        ("Interviewer", "How did you meet your peer worker?", "turn 1, line 1 [0:03]"),
        ("Jane Doe", "On the ward.", "turn 2, line 5 [0:09]"),
        ("Interviewer", "What changed?", "turn 3, line 9 [0:15]"),
        ("Jane Doe", "Everything.", "turn 4, line 13 [0:18]")]
