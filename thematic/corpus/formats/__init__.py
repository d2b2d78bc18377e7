"""The registry of corpus readers, keyed by kind and by file suffix.

A :class:`Reader` names a kind of file (``csv``, ``docx`` ...), the suffixes that mean it,
whether it is a *sheet* (rows of a table, read by ``readers.open_sheet``) or a *document*
(running text, read by ``readers.read_document``), and the function that reads it. The
``--format`` choices of ``thematic import``, suffix detection and the E018 list of
supported suffixes all come from here.

Every module of this package registers its readers with :func:`register` when imported;
:func:`load` imports them all (``builtin`` first, then the others by name) through the
registry ``READERS`` (a :class:`~thematic.plugins.Registry`). So adding a
reader is one file here plus its test. Pure Python: nothing heavy is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from thematic.plugins import Registry

__all__ = ["DOCUMENTS", "READERS", "SHEETS", "Reader", "find", "kinds", "load", "register",
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


class _Readers(Registry[Reader]):
    """The readers by kind, keeping the suffix tables SHEETS and DOCUMENTS in step."""

    def register(self, name: str, entry: Reader | None = None, **options: Any) -> Any:
        found = super().register(name, entry, **options)
        if isinstance(entry, Reader):
            table = SHEETS if entry.sheet else DOCUMENTS
            for suffix in (*entry.suffixes, *entry.hidden):
                table[suffix.lower()] = entry.kind
        return found

    def unregister(self, name: str) -> None:
        old = self._entries.get(name)
        super().unregister(name)
        if isinstance(old, Reader):
            table = SHEETS if old.sheet else DOCUMENTS
            for suffix in (*old.suffixes, *old.hidden):
                if table.get(suffix.lower()) == name:
                    del table[suffix.lower()]


#: suffix → kind, for sheets and for documents (kept in step with READERS).
SHEETS: dict[str, str] = {}
DOCUMENTS: dict[str, str] = {}
READERS = _Readers("file format", modules=__name__, first="builtin")


def register(reader: Reader) -> Reader:
    """Add (or replace) the reader of ``reader.kind``; returns it."""
    return READERS.register(reader.kind, reader)


def unregister(kind: str) -> None:
    READERS.unregister(kind)


def load() -> None:
    """Import every module of this package once (each registers its readers)."""
    READERS.load()


def find(kind: str) -> Reader | None:
    return READERS.find(kind)


def kinds() -> tuple[str, ...]:
    """Every kind, sheets first, each group by name (the ``--format`` choices): sorted,
    because the order modules register in depends on what imported the package first."""
    load()
    return (*sorted(set(SHEETS.values())), *sorted(set(DOCUMENTS.values())))


def supported() -> str:
    """The suffixes offered in error messages, sorted."""
    hidden = {s for r in READERS.entries() for s in r.hidden}
    return ", ".join(sorted((set(SHEETS) | set(DOCUMENTS)) - hidden))
