"""OpenDocument text (.odt, LibreOffice): paragraphs, headings and notes, read by
``thematic.corpus.odt`` — a reader in one file, the pattern for adding one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thematic.corpus.formats import Reader, register
from thematic.corpus.readers import Document, assemble


def read(path: Path, **_: Any) -> Document:
    from thematic.corpus.odt import blocks

    return assemble(path, blocks(path))


ODT = register(Reader("odt", (".odt",), False, read))
