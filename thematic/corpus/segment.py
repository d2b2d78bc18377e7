"""Segmentation: a document into paragraphs, a text into sentences, with character offsets."""

from __future__ import annotations

import re
from functools import lru_cache

_BLOCK = re.compile(r"\S(?:.*?\S)?(?=\n[ \t]*\n|\s*\Z)", re.S)
_LINE = re.compile(r"[^\s](?:[^\n]*[^\s])?")
_BLANK = re.compile(r"\n[ \t]*\n")
_HEADING = re.compile(r"#{1,6}\s+(.*)")
_SPEAKER = re.compile(r"([A-Z][\w .'-]{0,30}):\s")


def single_newline(text: str) -> bool:
    """True when the text has several lines but no blank line between any of them: its
    paragraphs are then its lines (a whole transcript must not become one excerpt)."""
    return not _BLANK.search(text.strip()) and len(text.strip().splitlines()) > 1


def paragraphs(text: str, *, markdown: bool = False, lines: bool = False
               ) -> list[tuple[int, int, dict]]:
    """(start, end, attributes) of each blank-line-separated block (of each non-blank line
    with ``lines``).

    Markdown headings are not excerpts; they become the ``section`` of what follows. A
    transcript turn such as ``Participant: ...`` records its ``speaker``.
    """
    blocks: list[tuple[int, int, dict]] = []
    section = None
    for m in (_LINE if lines else _BLOCK).finditer(text):
        block = m.group(0)
        if markdown:
            heading = _HEADING.fullmatch(block.strip())
            if heading:
                section = heading.group(1).strip()
                continue
        attrs: dict = {"paragraph": len(blocks) + 1}
        if section:
            attrs["section"] = section
        speaker = _SPEAKER.match(block)
        if speaker:
            attrs["speaker"] = speaker.group(1).strip()
        blocks.append((m.start(), m.end(), attrs))
    return blocks


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


WINDOW = 200_000  # characters per spaCy call: spaCy refuses texts over 1,000,000


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` as offsets into ``text`` (spaCy sentencizer).

    Long texts are cut into windows at a line break or sentence end, so a 10 MB transcript
    is segmented in bounded memory instead of failing."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    while end - start > WINDOW:
        cut = _cut(text, start, start + WINDOW)
        spans += _sentences(text, start, cut)
        start = cut
    return spans + _sentences(text, start, end)


def _cut(text: str, start: int, limit: int) -> int:
    """The last line break, else sentence end, else space in the second half of the window."""
    half = (start + limit) // 2
    for mark in ("\n", ". ", " "):
        at = text.rfind(mark, half, limit)
        if at >= 0:
            return at + len(mark)
    return limit


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    doc = _sentencizer()(text[start:end])
    spans = []
    for sent in doc.sents:
        s = sent.text.strip()
        if s:
            lead = len(sent.text) - len(sent.text.lstrip())
            spans.append((start + sent.start_char + lead, start + sent.start_char + lead + len(s)))
    return spans
