"""The codebook's export formats, one table: ``thematic codebook export --format`` offers
its names. An exporter is ``write(store, codebook_id) -> text``; the REFI-QDA ``qdc``
format is registered by ``thematic.interop.refi``, the room that writes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from thematic.codebook.io import to_csv, to_markdown, to_yaml
from thematic.codebook.model import CodebookDoc
from thematic.exporters import Exporter, Table

__all__ = ["EXPORTERS"]

EXPORTERS = Table("codebook")


def _of_doc(render: Callable[[CodebookDoc], str]) -> Callable[[Any, int], str]:
    """An exporter of the stored codebook's document."""
    def write(store: Any, codebook_id: int) -> str:
        from thematic.codebook.versions import stored_doc

        return render(stored_doc(store, codebook_id))

    return write


EXPORTERS.register(Exporter("yaml", (".yaml", ".yml"), _of_doc(to_yaml),
                            "the loadable format"))
EXPORTERS.register(Exporter("csv", (".csv",), _of_doc(to_csv), "one row per code"))
EXPORTERS.register(Exporter("md", (".md",), _of_doc(to_markdown),
                            "a Markdown table for a paper's appendix"))
