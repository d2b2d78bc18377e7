"""Codebooks: the YAML format and its schema, validation, versions in the store, diffs,
and export to YAML, CSV and a Markdown appendix.

    from thematic.codebook import load, validate_file, diff, resolve
    result = load(store, "codebooks/peer-support.yaml")

Names are imported lazily so that importing the package stays cheap.
"""

from __future__ import annotations

from thematic.plugins import lazy

_EXPORTS = {
    "CodebookDoc": "thematic.codebook.model",
    "read": "thematic.codebook.io",
    "read_yaml": "thematic.codebook.io",
    "read_csv": "thematic.codebook.io",
    "render": "thematic.codebook.io",
    "Problem": "thematic.codebook.checks",
    "validate": "thematic.codebook.checks",
    "CodebookDiff": "thematic.codebook.diffs",
    "diff": "thematic.codebook.diffs",
    "LoadResult": "thematic.codebook.versions",
    "Flag": "thematic.codebook.versions",
    "check": "thematic.codebook.versions",
    "parse": "thematic.codebook.versions",
    "load": "thematic.codebook.versions",
    "load_doc": "thematic.codebook.versions",
    "import_csv": "thematic.codebook.versions",
    "get": "thematic.codebook.versions",
    "resolve": "thematic.codebook.versions",
    "stored_doc": "thematic.codebook.versions",
    "flagged": "thematic.codebook.versions",
    "known_cfir_ids": "thematic.codebook.versions",
    "list_codebooks": "thematic.store.codebooks",
    "code_counts": "thematic.store.codebooks",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy(__name__, _EXPORTS)
