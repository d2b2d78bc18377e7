"""Caption files (.vtt from Zoom, Teams or Otter; .srt): the transcripts of recorded
interviews, read as a transcript with one speaker label per turn.

Each cue's speaker comes from a WebVTT voice tag (``<v Jane Doe>``, Teams) or a label at
the start of its text (``Jane Doe: …``, Zoom); consecutive cues of one speaker are one
turn, labelled ``Speaker [start time]:`` so that ``--segment turn`` cuts at it and the
excerpt's location gives the time to find it in the recording. The turn's words sit on
the line of its first cue in the file (every other line is left blank), so "line N" in a
location is the caption file's own line N. Tags and entities (``<i>``, ``&amp;``) are
removed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from thematic.corpus.formats import Reader, register
from thematic.corpus.readers import Document, read_text
from thematic.errors import ThematicError

_TIMING = re.compile(r"\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+"
                     r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"</?[^>]*>")
# "Jane Doe: …" (Zoom): a name of at most five words before the first colon
_LABEL = re.compile(r"([^\W\d_][\w .'’-]{0,59}?)\s?:\s+(.*)")


def _name(raw: str) -> str | None:
    """A speaker name the transcript's label grammar accepts (``Jane Doe (Guest)`` →
    ``Jane Doe Guest``), or None when it is not one."""
    name = " ".join(re.sub(r"[^\w .'’-]", " ", html.unescape(raw)).split())
    if not name or len(name) > 40 or len(name.split()) > 5:
        return None
    return name[0].upper() + name[1:]


def _lines(payload: list[tuple[int, str]]) -> list[tuple[int, str | None, str]]:
    """(line, speaker, words) of a cue's text lines."""
    out = []
    speaker: str | None = None
    for number, raw in payload:
        voice = _VOICE.search(raw)
        if voice:
            speaker = _name(voice.group(1)) or speaker
        words = " ".join(html.unescape(_TAG.sub("", raw)).split())
        label = None if voice else _LABEL.fullmatch(words)
        # a label only when the name needs no cleaning ("jane: …" or "Me (again): …" are words)
        name = _name(label.group(1)) if label else None
        if label and name == " ".join(label.group(1).split()):
            speaker, words = name, label.group(2)
        if words:
            out.append((number, speaker, words))
    return out


def cues(text: str, path: Path) -> list[tuple[int, str, str | None, str]]:
    """(line, start time, speaker, words) for every text line of every cue."""
    lines = text.split("\n")
    if path.suffix.lower() == ".vtt" and not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise ThematicError("E026", path=path, kind="WebVTT",
                            detail="its first line is not 'WEBVTT'")
    found: list[tuple[int, str, str | None, str]] = []
    speaker: str | None = None
    i = 0
    while i < len(lines):
        timing = _TIMING.match(lines[i])
        i += 1
        if not timing:
            continue
        payload = []
        while i < len(lines) and lines[i].strip():
            payload.append((i + 1, lines[i]))
            i += 1
        for number, who, words in _lines(payload):
            # a cue without a speaker of its own continues the last one's turn
            speaker = who or speaker
            found.append((number, timing.group(1).replace(",", "."), speaker, words))
    return found


def read(path: Path, *, encoding: str | None = None, **_: Any) -> Document:
    text = read_text(path, encoding=encoding).replace("\r\n", "\n").replace("\r", "\n")
    found = cues(text, path)
    if not found:
        raise ThematicError("E026", path=path, kind="WebVTT or SRT caption",
                            detail="no cue with a timing line such as "
                                   "'00:00:01.000 --> 00:00:04.000' and text under it")
    return transcript(path, found, text.count("\n") + 1, encoding)


def transcript(path: Path, found: list[tuple[int, str, str | None, str]], lines: int,
               encoding: str | None = None) -> Document:
    """The Document of cues (line, start time, speaker, words), ``lines`` lines long: a turn
    (one speaker's consecutive cues) on the line of its first cue, labelled
    ``Speaker [start]:``; the others blank."""
    out = [""] * lines
    first, previous = 0, object()
    for number, start, speaker, words in found:
        if speaker is not None and speaker == previous:
            out[first] += " " + words
            continue
        first, previous = number - 1, speaker
        out[first] = f"{speaker} [{start}]: {words}" if speaker else words
    joined = "\n".join(out)
    blocks: list[tuple[int, int, dict]] = []
    offset = 0
    for line in out:
        if line:
            blocks.append((offset, offset + len(line), {"paragraph": len(blocks) + 1}))
        offset += len(line) + 1
    return Document(path, joined, blocks, encoding,
                    speakers={s for _, _, s, _ in found if s})


CAPTIONS = register(Reader("captions", (".vtt", ".srt"), False, read))
