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
    blocks, section = [], None
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


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` as offsets into ``text`` (spaCy sentencizer)."""
    end = len(text) if end is None else end
    doc = _sentencizer()(text[start:end])
    spans = []
    for sent in doc.sents:
        s = sent.text.strip()
        if s:
            lead = len(sent.text) - len(sent.text.lstrip())
            spans.append((start + sent.start_char + lead, start + sent.start_char + lead + len(s)))
    return spans
