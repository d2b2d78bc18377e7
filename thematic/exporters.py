"""Tables of exporters, one per kind of output (a network, a codebook ...).

An :class:`Exporter` names a format, the file suffixes that select it and the function that
writes it; a :class:`Table` holds the exporters of one kind. The room that owns the output
keeps its table (``thematic.network.export.EXPORTERS``,
``thematic.codebook.exports.EXPORTERS``, ``thematic.coding.exchange.EXPORTERS``) and the CLI
offers ``table.names()`` as its ``--format`` choices, so a new format is one
``table.register(...)`` (one file plus its test). Pure Python: nothing heavy is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Exporter", "Table"]


@dataclass(frozen=True)
class Exporter:
    """One output format. ``write``'s arguments are the table's (see its ``kind``)."""

    name: str
    suffixes: tuple[str, ...]
    write: Callable[..., Any]
    description: str = ""


class Table:
    """The exporters of one kind of output, in registration order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._exporters: dict[str, Exporter] = {}

    def register(self, exporter: Exporter) -> Exporter:
        self._exporters[exporter.name] = exporter
        return exporter

    def unregister(self, name: str) -> None:
        self._exporters.pop(name, None)

    def names(self) -> tuple[str, ...]:
        return tuple(self._exporters)

    def get(self, name: str) -> Exporter:
        return self._exporters[name]

    def __contains__(self, name: object) -> bool:
        return name in self._exporters

    def suffixes(self) -> dict[str, str]:
        """suffix → format name (the first exporter to claim a suffix keeps it)."""
        found: dict[str, str] = {}
        for exporter in self._exporters.values():
            for suffix in exporter.suffixes:
                found.setdefault(suffix.lower(), exporter.name)
        return found
