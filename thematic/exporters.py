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

from thematic.plugins import Registry

__all__ = ["Exporter", "Table"]


@dataclass(frozen=True)
class Exporter:
    """One output format. ``write``'s arguments are the table's (see its ``kind``)."""

    name: str
    suffixes: tuple[str, ...]
    write: Callable[..., Any]
    description: str = ""


class Table(Registry[Exporter]):
    """The exporters of one kind of output, in registration order."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"{kind} export format")
        self.kind = kind

    def register(self, exporter: Exporter) -> Exporter:  # type: ignore[override]
        return super().register(exporter.name, exporter)

    def suffixes(self) -> dict[str, str]:
        """suffix → format name (the first exporter to claim a suffix keeps it)."""
        found: dict[str, str] = {}
        for exporter in self.entries():
            for suffix in exporter.suffixes:
                found.setdefault(suffix.lower(), exporter.name)
        return found
