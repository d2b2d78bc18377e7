"""Caption files (.vtt, .srt) of recorded interviews: one excerpt per speaker turn, located
by the caption file's own line and the turn's start time."""

from __future__ import annotations

import json
from pathlib import Path

# Microsoft Teams: voice tags, a NOTE block, cue ids, entities and inline tags; Jane's
# answer is split over two cues.
TEAMS = """WEBVTT

NOTE Recorded with Microsoft Teams

a1b2c3/12-0
00:00:01.200 --> 00:00:04.500
<v Interviewer>Thanks for joining. How did you first meet your peer worker?</v>

a1b2c3/13-0
00:00:05.000 --> 00:00:09.000
<v Jane Doe (Guest)>I was on the ward, and she came in &amp; said</v>

a1b2c3/13-1
00:00:09.000 --> 00:00:12.000
<v Jane Doe (Guest)>she'd been there too. <i>That</i> changed everything.</v>

a1b2c3/14-0
00:00:12.500 --> 00:00:15.000
<v Interviewer>What changed?</v>
"""

# Zoom-style SRT: the label is in the text, a continuation cue has none.
SRT = """1
00:00:01,000 --> 00:00:04,000
Interviewer: How did you first meet your peer worker?

2
00:00:05,000 --> 00:00:09,000
P07: I was on the ward, and she came in

3
00:00:09,000 --> 00:00:12,000
and said she'd been there too.
"""


def _turns(run) -> list[tuple]:
    result = run("excerpts", "list", "--json")
    assert result.exit_code == 0, result.output
    return [(e["speaker"], e["role"], e["text"], e["location"])
            for e in json.loads(result.output)]


def test_teams_vtt_is_cut_at_its_voices(run, tmp_path: Path):
    path = tmp_path / "p07.vtt"
    path.write_text(TEAMS, encoding="utf-8")
    result = run("import", "excerpts", path)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{path}: 3 excerpts added, 0 unchanged, 0 changed, 1 source created.\n"
        "  speakers: Interviewer (interviewer), Jane Doe Guest (participant)\n")
    assert _turns(run) == [
        ("Interviewer", "interviewer",
         "Thanks for joining. How did you first meet your peer worker?",
         "turn 1, line 7 [00:00:01.200]"),
        ("Jane Doe Guest", "participant",
         "I was on the ward, and she came in & said she'd been there too. That changed "
         "everything.", "turn 2, line 11 [00:00:05.000]"),
        ("Interviewer", "interviewer", "What changed?", "turn 3, line 19 [00:00:12.500]")]
    # "line 11" is the caption file's own line: the first cue of Jane's turn
    assert TEAMS.splitlines()[10].startswith("<v Jane Doe (Guest)>I was on the ward")


def test_srt_labels_in_the_text_and_continuation_cues(run, tmp_path: Path):
    path = tmp_path / "p07.srt"
    path.write_text(SRT, encoding="utf-8")
    result = run("import", "excerpts", "--segment", "turn", path)
    assert result.exit_code == 0, result.output
    assert _turns(run) == [
        ("Interviewer", "interviewer", "How did you first meet your peer worker?",
         "turn 1, line 3 [00:00:01.000]"),
        ("P07", "participant", "I was on the ward, and she came in and said she'd been "
                               "there too.", "turn 2, line 7 [00:00:05.000]")]


def test_a_vtt_without_its_signature_is_refused(run, tmp_path: Path, project: Path):
    from conftest import db_bytes

    before = db_bytes(project)
    path = tmp_path / "notes.vtt"
    path.write_text(TEAMS.replace("WEBVTT", "Meeting notes"), encoding="utf-8")
    result = run("import", "excerpts", path)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: [E026] {path}: cannot read the file (its first line is not 'WEBVTT'). "
        "Check that it is a valid WebVTT file and not open in another program.\n")
    assert db_bytes(project) == before


def test_a_text_read_as_captions_names_what_is_missing(run, tmp_path: Path):
    path = tmp_path / "p07.txt"
    path.write_text("Interviewer: hello\n\nP07: hi\n", encoding="utf-8")
    result = run("import", "excerpts", "--format", "captions", path)
    assert result.exit_code == 2
    assert "[E026]" in result.output
    assert "no cue with a timing line such as '00:00:01.000 --> 00:00:04.000'" in \
        result.output


def test_an_empty_caption_file_is_an_empty_document(run, tmp_path: Path, project: Path):
    from conftest import db_bytes

    before = db_bytes(project)
    path = tmp_path / "empty.vtt"
    path.write_bytes(b"")
    result = run("import", "excerpts", path)
    assert result.exit_code == 2
    assert result.output == (f"Error: [E024] {path}: the document has no text to import. "
                             "Check that it is not a scanned image or an empty file.\n")
    assert db_bytes(project) == before
