"""Excerpts cut from one document travel as ONE REFI-QDA TextSource: the document's text,
rebuilt from its excerpts at their import offsets, with each excerpt a PlainTextSelection
at those offsets and each coding a selection inside it (document offsets). Other programs
then see the 8 transcripts a project imported, not 633 paragraph-sized documents, and
thematic's extension on the TextSource lists the excerpts so an import cuts them again.

Excerpts form a document when they come from the same file and study, their offsets do not
overlap and each spans exactly its text's length (paragraphs and sentences of a transcript
do; rows of a sheet, whose offsets count within their cell, do not). The characters between
excerpts (blank lines, headings left out) are written as line breaks, so every offset stays
the one the import recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise


@dataclass
class Document:
    key: str                           # "file|study"
    file: str
    source_id: str
    excerpts: list = field(default_factory=list)   # in offset order

    @property
    def first(self) -> str:
        return self.excerpts[0].id

    def text(self) -> str:
        parts, pos = [], 0
        for e in self.excerpts:
            parts.append("\n" * (e.start - pos))
            parts.append(e.text)
            pos = e.end
        return "".join(parts)

    def entry(self, e) -> dict:
        """The excerpt as thematic's extension lists it on the TextSource."""
        out = {"excerpt": e.id, "start": e.start, "end": e.end, "location": e.location}
        if e.attributes:
            out["attributes"] = e.attributes
        return out


def documents(excerpts: list) -> dict[str, Document]:
    """excerpt id → its Document, for the excerpts that form documents of two or more."""
    groups: dict[tuple, list] = {}
    for e in excerpts:
        if e.file:
            groups.setdefault((e.file, e.source_id), []).append(e)
    out: dict[str, Document] = {}
    for (file, source), members in groups.items():
        members = sorted(members, key=lambda e: (e.start, e.end))
        if len(members) < 2 or any(e.end - e.start != len(e.text) or e.start < 0
                                   for e in members):
            continue
        if any(b.start < a.end for a, b in pairwise(members)):
            continue   # overlapping offsets: cells of a sheet, not places in one text
        doc = Document(f"{file}|{source}", file, source, members)
        for e in members:
            out[e.id] = doc
    return out
