"""Microsoft Teams' older transcript export (.docx): cue after cue, each a timing line
``0:0:0.0 --> 0:0:5.250``, the speaker's name on a line of its own, then the words (one
paragraph a line, or one paragraph a cue with line breaks). Read like a caption file
(``captions``): consecutive cues of one speaker are one turn, labelled
``Speaker [00:00:05.250]:``, on the line numbered like the paragraph of its first timing
line, so that an excerpt's location ("turn 2, line 4 [00:00:05.250]") gives the paragraph
to find it in the document and the time to find it in the recording.

Teams' newer export (``Jane Doe   0:03`` above the words) is ordinary text to the turn
finder and needs nothing here. ``read`` is called by the .docx reader on the document's
blocks, and returns None when the document does not start with a timing line.

A cue without a name line continues the turn before it; a cue without words is skipped; a
first line that looks like a name is one only when it is followed by words in some cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from thematic.corpus.formats.captions import _name, transcript
from thematic.corpus.readers import Document
from thematic.errors import ThematicError

_CLOCK = r"(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d+)?"
_TIMING = re.compile(rf"({_CLOCK})\s*-->\s*{_CLOCK}")


def _clock(raw: str) -> str:
    """'0:0:5.25' → '00:00:05.250', the form of caption times (and of turn labels)."""
    *hm, seconds = raw.replace(",", ".").split(":")
    hours, minutes = ([0] * (2 - len(hm)) + [int(x) for x in hm])
    whole, _, fraction = seconds.partition(".")
    return f"{hours:02d}:{minutes:02d}:{int(whole):02d}.{(fraction + '000')[:3]}"


def _lines(blocks: Iterable[tuple[str, str, dict]]) -> list[tuple[int, str]]:
    """(paragraph number, text) of every non-empty line of the body, numbered like the
    paragraphs of any other .docx excerpt (headings and notes left out)."""
    out: list[tuple[int, str]] = []
    number = 0
    for kind, text, _ in blocks:
        if kind in ("heading", "footnote", "endnote"):
            continue
        number += 1
        out.extend((number, line.strip()) for line in text.split("\n") if line.strip())
    return out


def read(path: Path, blocks: list[tuple[str, str, dict]]) -> Document | None:
    lines = _lines(blocks)
    if not lines or not _TIMING.fullmatch(lines[0][1]):
        return None
    cues: list[tuple[int, str, list[str]]] = []
    for number, line in lines:
        timing = _TIMING.fullmatch(line)
        if timing:
            cues.append((number, _clock(timing.group(1)), []))
        else:
            cues[-1][2].append(line)
    # a name line is a short label with words after it; a lone line is a name only when
    # the same label is one elsewhere (its words are then missing), else it is words
    names = {said[0] for _, _, said in cues
             if len(said) >= 2 and _name(said[0]) == " ".join(said[0].split())}
    found: list[tuple[int, str, str | None, str]] = []
    speaker: str | None = None
    for number, start, said in cues:
        if said and said[0] in names:
            speaker, said = _name(said[0]), said[1:]
        words = " ".join(" ".join(said).split())
        if words:
            found.append((number, start, speaker, words))
    if not found:
        raise ThematicError("E026", path=path, kind="Microsoft Teams transcript (.docx)",
                            detail="it starts with a timing line such as '0:0:0.0 --> "
                                   "0:0:5.250', but no cue has words under its speaker's "
                                   "name")
    return transcript(path, found, lines[-1][0])
