"""Speaker turns: cut a transcript at its speaker labels, one excerpt per turn.

A label starts a line: a name or role (``Interviewer 1``, ``P03``, ``Dr Okafor``, ``NAME``)
followed by a colon, optionally with a timestamp before or after it or a transcriber's note
before the colon (``P03 (laughs):``, left out of the words), optionally in Markdown bold
(``**Name:**``; DOCX bold runs read as plain text). A label counts as a speaker when it
labels at least two lines of the file, or when the roles map names it: one-off ``Date: …``
or ``Note: …`` lines stay inside the turn they belong to. Lines before the first speaker
are the transcript's header and are not excerpts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A turn longer than this is almost always a missed label; import warns.
LONG_TURN = 50_000

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
# A name: starts with a capital letter, then letters, digits, spaces, dots, apostrophes,
# hyphens; at most 40 characters (checked again in _plausible).
_NAME = r"[^\W\d_a-z][\w .'’-]{0,39}?"
STYLES: list[tuple[str, re.Pattern]] = [
    ("**Name:** (Markdown bold)",
     re.compile(rf"\*\*(?P<name>{_NAME})\s?:?\s?(?:[\[(](?P<ts>{_TS})[\])])?\s?:?\*\*\s?:?"
                r"[ \t]*(?P<rest>.*)")),
    ("[00:01:02] Name:",
     re.compile(rf"[\[(]?(?P<ts>{_TS})[\])]?\s*[-–]?\s*(?P<name>{_NAME})\s?:(?:[ \t]+|$)"
                r"(?P<rest>.*)")),
    ("Name [00:12:31]:",
     re.compile(rf"(?P<name>{_NAME})\s+[\[(]?(?P<ts>{_TS})[\])]?\s?:?(?:[ \t]+|$)"
                r"(?P<rest>.*)")),
    # A transcriber's note between the name and the colon ("P03 (laughs):") is part of the
    # label: read as words, it would hand the speaker's turn to whoever spoke before.
    ("Name: (also NAME:, Interviewer 1:, P03:, P03 (laughs):)",
     re.compile(rf"(?P<name>{_NAME})(?:[ \t]?[\[(][^\])\n:]{{1,30}}[\])])?[ \t]?:(?:[ \t]+|$)"
                r"(?P<rest>.*)")),
]
STYLE_NAMES = [name for name, _ in STYLES]
_HEADING = re.compile(r"#{1,6}\s+(.*)")
_CODE = re.compile(r"(?:P|R|Participant|Respondent|Interviewee|Speaker)\s?\d+",
                   re.IGNORECASE)
#: Labels that mean the interviewer when no roles are given (English and French).
INTERVIEWER_LABELS = re.compile(
    r"(interviewer|moderator|facilitator|researcher|int|i|q|enqu[eê]t(?:eur|rice)|"
    r"intervieweu(?:r|se)|animat(?:eur|rice)|chercheu(?:r|se))\b\.?\s*\d*", re.IGNORECASE)


@dataclass
class Turn:
    start: int                 # offsets of the words spoken (label left out) in the text
    end: int
    speaker: str
    line: int                  # the label's line, counting from 1
    timestamp: str | None = None
    section: str | None = None


@dataclass
class Turns:
    turns: list[Turn] = field(default_factory=list)
    header_lines: int = 0      # lines before the first speaker (not imported)
    speakers: dict[str, int] = field(default_factory=dict)   # label → turns, first-seen order


def normalise(name: str) -> str:
    """The key a speaker is matched by: case and runs of spaces ignored."""
    return " ".join(name.split()).casefold()


def _plausible(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= 5 and len(name) <= 40 and not name.endswith((".", "-"))


def _label(line: str) -> tuple[str, str | None, int, int] | None:
    """(speaker, timestamp, offset of the words in ``line``, style) when the line is
    labelled."""
    colon = line.find(":", 0, 80)
    if colon < 0:                      # most lines: no label can start them
        return None
    first = line[:1]
    for style, (_, pattern) in enumerate(STYLES):
        # cheap guards keep the slower patterns off lines that cannot match them
        if (style == 0 and first != "*") or (style == 1 and not (first in "[(" or
                                                                  first.isdigit())):
            continue
        if style == 2 and not any(c.isdigit() for c in line[:colon]):
            continue
        m = pattern.match(line)
        if m and _plausible(m.group("name").strip()):
            name = " ".join(m.group("name").strip(" *_").split())
            return name, m.groupdict().get("ts"), m.start("rest"), style
    return None


def find_turns(text: str, *, known: set[str] | None = None, markdown: bool = False) -> Turns:
    """The speaker turns of ``text``; empty ``turns`` when no speaker label is found.

    ``known`` are normalised speaker names that count even when they label one line only.
    """
    known = known or set()
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        lines.append((offset, raw.rstrip("\r\n")))
        offset += len(raw)
    keys: dict[str, str] = {}
    # per line: (speaker, timestamp, offset, style, speaker key), None when unlabelled
    labels: list[tuple[str, str | None, int, int, str] | None] = []
    for _, line in lines:
        label = _label(line.lstrip())
        if label:
            name = label[0]
            key = keys.get(name) or keys.setdefault(name, normalise(name))
            labels.append((*label, key))
        else:
            labels.append(None)
    counts: dict[str, int] = {}
    for found in labels:
        if found:
            counts[found[4]] = counts.get(found[4], 0) + 1
    speakers = {k for k, n in counts.items() if n >= 2 or k in known}
    # A participant who speaks once still counts when the label looks like the recurring
    # ones in a telling style (bold or timestamped), or is a participant code such as P07.
    strong = {f[3] for f in labels if f and f[4] in speakers} - {len(STYLES) - 1}
    speakers |= {f[4] for f in labels if f and f[4] not in speakers
                 and (f[3] in strong or _CODE.fullmatch(f[0]))}
    out = Turns()
    current: list | None = None      # [start, end, speaker, line, ts, section]
    section = None

    def close() -> None:
        if current is not None and current[1] > current[0]:
            out.turns.append(Turn(*current))
            out.speakers[current[2]] = out.speakers.get(current[2], 0) + 1

    for number, ((start, line), found) in enumerate(zip(lines, labels), start=1):
        heading = _HEADING.fullmatch(line.strip()) if markdown and "#" in line[:8] else None
        if heading:
            close()
            current, section = None, heading.group(1).strip()
            continue
        if found and found[4] in speakers:
            close()
            name, stamp, at = found[:3]
            lead = len(line) - len(line.lstrip())
            words = line[lead + at:]
            begin = start + lead + at + (len(words) - len(words.lstrip()))
            end = start + len(line.rstrip())
            current = [begin, max(begin, end), name, number, stamp, section]
            continue
        if current is None:
            if line.strip():
                out.header_lines = number
            continue
        if line.strip():
            if current[1] <= current[0]:       # the label stood on its own line
                current[0] = start + len(line) - len(line.lstrip())
            current[1] = start + len(line.rstrip())
    close()
    return out


def first_lines(text: str, n: int = 3, width: int = 60) -> str:
    """The first ``n`` non-blank lines, quoted and shortened, for an error message."""
    shown = []
    for line in text.splitlines():
        if line.strip():
            line = line.strip()
            shown.append(repr(line if len(line) <= width else line[:width] + "…"))
        if len(shown) == n:
            break
    return "; ".join(shown) or "(none)"


def default_role(speaker: str) -> str:
    """'interviewer' for labels such as Interviewer 2, Moderator, I, Q, Enquêtrice."""
    return "interviewer" if INTERVIEWER_LABELS.fullmatch(speaker.strip()) else "participant"
