"""The text of a DOCX body in reading order, as python-docx's ``paragraphs`` misses it:
tables (a row each; a two-cell row whose first cell is short reads ``speaker: words``, the
usual layout of a transcript table), content controls (``w:sdt``), tracked insertions
(``w:ins``: the accepted text; ``w:del`` is left out), and footnotes and endnotes (after the
body, each marked with its number).
"""

from __future__ import annotations

from collections.abc import Iterator

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPEAKER_CELL = 40       # a first cell this short, beside a longer one, is a speaker label


def _text(element) -> str:
    """Visible text under ``element``: runs, including those inside insertions, hyperlinks
    and content controls; never deleted text (w:delText) or field codes (w:instrText)."""
    out = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.tag == f"{W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def row_text(cells: list[str]) -> str:
    """A table row as text: ``speaker: words`` for a short first cell beside a longer one
    (a transcript table), else the non-empty cells joined by `` | ``."""
    cells = [c for c in cells if c]
    if len(cells) == 2 and len(cells[1]) > len(cells[0]) <= _SPEAKER_CELL:
        return f"{cells[0].rstrip(':')}: {cells[1]}"
    return " | ".join(cells)


def _style(paragraph, styles: dict[str, str]) -> str:
    found = paragraph.find(f"{W}pPr/{W}pStyle")
    if found is None:
        return ""
    value = found.get(f"{W}val") or ""
    return styles.get(value, value).lower()


def blocks(document) -> Iterator[tuple[str, str, dict]]:
    """(kind, text, attrs) for each non-empty block: kind is heading, paragraph, table row,
    footnote or endnote."""
    styles = {s.style_id: (s.name or "") for s in document.styles}
    yield from _walk(document.element.body, styles, {})
    for kind in ("footnotes", "endnotes"):
        yield from _notes(document, kind)


def _walk(parent, styles: dict[str, str], where: dict) -> Iterator[tuple[str, str, dict]]:
    for child in parent:
        if child.tag == f"{W}p":
            text = _text(child).strip()
            if text:
                style = _style(child, styles)
                kind = "heading" if style.startswith(("heading", "title")) else "paragraph"
                yield kind, text, dict(where)
        elif child.tag == f"{W}tbl":
            for number, row in enumerate(child.iter(f"{W}tr"), start=1):
                cells = [" ".join(_text(p).strip() for p in cell.iter(f"{W}p")).strip()
                         for cell in row.iter(f"{W}tc")]
                text = row_text(cells)
                if text:
                    yield "table row", text, {**where, "table_row": number}
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}ins", f"{W}customXml"):
            yield from _walk(child, styles, where)


def _notes(document, kind: str) -> Iterator[tuple[str, str, dict]]:
    """Footnotes or endnotes from their part, if the document has one."""
    from lxml import etree

    part = document.part
    rel = next((r for r in part.rels.values() if r.reltype.endswith("/" + kind)), None)
    if rel is None:
        return
    root = etree.fromstring(rel.target_part.blob,
                            parser=etree.XMLParser(resolve_entities=False, no_network=True))
    single = kind[:-1]
    for note in root.iter(f"{W}{single}"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator",
                                    "continuationNotice"):
            continue
        text = " ".join(_text(p).strip() for p in note.iter(f"{W}p")).strip()
        if text:
            yield single, text, {single: note.get(f"{W}id")}
