"""The registry of corpus readers, keyed by kind and by file suffix.

A :class:`Reader` names a kind of file (``csv``, ``docx`` ...), the suffixes that mean it,
whether it is a *sheet* (rows of a table, read by ``readers.open_sheet``) or a *document*
(running text, read by ``readers.read_document``), and the function that reads it. The
``--format`` choices of ``thematic import``, suffix detection and the E018 list of
supported suffixes all come from here.

Every module of this package registers its readers with :func:`register` when imported;
:func:`load` imports them all (``builtin`` first, then the others by name). So adding a
reader is one file here plus its test. Pure Python: nothing heavy is imported.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from thematic.plugins import import_modules

__all__ = ["DOCUMENTS", "SHEETS", "Reader", "find", "kinds", "load", "register",
           "supported", "unregister"]


@dataclass(frozen=True)
class Reader:
    """How to read one kind of file.

    A sheet reader is called ``read(path, kind=, encoding=, sheet=, delimiter=,
    progress=)`` and returns a ``readers.Sheet``; a document reader ``read(path, kind=,
    encoding=)`` and returns a ``readers.Document``. ``hidden`` suffixes are recognised
    but not offered in error messages.
    """

    kind: str
    suffixes: tuple[str, ...]
    sheet: bool
    read: Callable[..., Any]
    hidden: tuple[str, ...] = ()


READERS: dict[str, Reader] = {}
#: suffix → kind, for sheets and for documents (kept in step with READERS).
SHEETS: dict[str, str] = {}
DOCUMENTS: dict[str, str] = {}


def register(reader: Reader) -> Reader:
    """Add (or replace) the reader of ``reader.kind``; returns it."""
    unregister(reader.kind)
    READERS[reader.kind] = reader
    table = SHEETS if reader.sheet else DOCUMENTS
    for suffix in (*reader.suffixes, *reader.hidden):
        table[suffix.lower()] = reader.kind
    return reader


def unregister(kind: str) -> None:
    old = READERS.pop(kind, None)
    if old is not None:
        table = SHEETS if old.sheet else DOCUMENTS
        for suffix in (*old.suffixes, *old.hidden):
            if table.get(suffix.lower()) == kind:
                del table[suffix.lower()]


@functools.cache
def load() -> None:
    """Import every module of this package once (each registers its readers)."""
    import_modules(__name__, first="builtin")


def find(kind: str) -> Reader | None:
    load()
    return READERS.get(kind)


def kinds() -> tuple[str, ...]:
    """Every kind, sheets first, each group by name (the ``--format`` choices): sorted,
    because the order modules register in depends on what imported the package first."""
    load()
    return (*sorted(set(SHEETS.values())), *sorted(set(DOCUMENTS.values())))


def supported() -> str:
    """The suffixes offered in error messages, sorted."""
    load()
    hidden = {s for r in READERS.values() for s in r.hidden}
    return ", ".join(sorted((set(SHEETS) | set(DOCUMENTS)) - hidden))
