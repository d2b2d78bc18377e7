"""The readers of the formats thematic has always read (their code is in
``thematic.corpus.readers``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thematic.corpus import readers
from thematic.corpus.formats import Reader, register


def _delimited(path: Path, *, kind: str, encoding: str | None, delimiter: str | None,
               progress: Any, **_: Any) -> readers.Sheet:
    return readers._delimited(path, encoding, delimiter or ("\t" if kind == "tsv" else None),
                              progress)


def _xlsx(path: Path, *, sheet: str | None, progress: Any, **_: Any) -> readers.Sheet:
    return readers._xlsx(path, sheet, progress)


def _jsonl(path: Path, *, encoding: str | None, progress: Any, **_: Any) -> readers.Sheet:
    return readers._jsonl(path, encoding, progress)


def _text(path: Path, *, kind: str, encoding: str | None, **_: Any) -> readers.Document:
    return readers.plain_document(path, encoding=encoding, markdown=kind == "markdown")


def _docx(path: Path, **_: Any) -> readers.Document:
    from thematic.corpus.formats import teams

    found = readers.docx_blocks(path)
    return teams.read(path, found) or readers.assemble(path, found)


# ".txt_table" lets a caller read a .txt file as a table without --format.
register(Reader("csv", (".csv",), True, _delimited, hidden=(".txt_table",)))
register(Reader("tsv", (".tsv", ".tab"), True, _delimited))
register(Reader("xlsx", (".xlsx", ".xlsm"), True, _xlsx))
register(Reader("jsonl", (".jsonl", ".ndjson"), True, _jsonl))
register(Reader("text", (".txt", ".text"), False, _text))
register(Reader("markdown", (".md", ".markdown"), False, _text))
register(Reader("docx", (".docx",), False, _docx))
