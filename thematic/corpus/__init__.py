"""The corpus: studies and their excerpts, read from sheets and documents (readers,
segment) and imported into the project (importer); the reads the CLI lists them with."""

from thematic.store.corpus import counts, list_excerpts, list_sources

__all__ = ["counts", "list_excerpts", "list_sources"]
