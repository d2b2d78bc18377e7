"""OpenDocument text (.odt): headings, paragraphs, table rows and notes, read from the
zip's content.xml with defusedxml (no entities, no external references). Tracked changes
give the accepted text: insertions are ordinary text in the body, and the deleted text,
kept in ``text:tracked-changes``, is left out.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from thematic.corpus.docx_text import row_text
from thematic.errors import ThematicError

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
MAX_CONTENT = 200 << 20       # content.xml larger than this unpacked is refused


def _inline(element, notes: list[str]) -> str:
    """Text of a paragraph: spans, links, spaces, tabs, line breaks; notes set aside."""
    out = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{TEXT}note":
            body = child.find(f"{TEXT}note-body")
            if body is not None:
                notes.append(" ".join(_inline(p, []).strip() for p in body.iter(f"{TEXT}p")))
        elif tag == f"{TEXT}s":
            out.append(" " * int(child.get(f"{TEXT}c", "1")))
        elif tag == f"{TEXT}tab":
            out.append("\t")
        elif tag == f"{TEXT}line-break":
            out.append("\n")
        elif tag not in (f"{TEXT}tracked-changes", f"{OFFICE}annotation"):
            out.append(_inline(child, notes))
        out.append(child.tail or "")
    return "".join(out)


def blocks(path: Path) -> Iterator[tuple[str, str, dict]]:
    """(kind, text, attrs) of each non-empty block, as docx_text.blocks gives them."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("content.xml")
            if info.file_size > MAX_CONTENT:
                raise ThematicError("E026", path=path, kind="ODT", detail=
                                    f"content.xml unpacks to {info.file_size:,} bytes")
            root = ElementTree.fromstring(archive.read(info))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError,
            DefusedXmlException) as exc:
        raise ThematicError("E026", path=path, kind="ODT",
                            detail=str(exc) or type(exc).__name__) from None
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        return
    notes: list[str] = []
    yield from _walk(body, notes)
    for number, note in enumerate(notes, start=1):
        if note.strip():
            yield "footnote", note.strip(), {"footnote": str(number)}


def _walk(parent, notes: list[str]) -> Iterator[tuple[str, str, dict]]:
    for child in parent:
        tag = child.tag
        if tag in (f"{TEXT}h", f"{TEXT}p"):
            text = _inline(child, notes).strip()
            if text:
                yield ("heading" if tag == f"{TEXT}h" else "paragraph"), text, {}
        elif tag == f"{TABLE}table":
            for number, row in enumerate(child.iter(f"{TABLE}table-row"), start=1):
                cells = [" ".join(_inline(p, notes).strip() for p in cell.iter(f"{TEXT}p"))
                         .strip() for cell in row.iter(f"{TABLE}table-cell")]
                text = row_text(cells)
                if text:
                    yield "table row", text, {"table_row": number}
        elif tag in (f"{TEXT}list", f"{TEXT}list-item", f"{TEXT}section"):
            yield from _walk(child, notes)
