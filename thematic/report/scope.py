"""What the analysis leaves out, for the report's methods: excluded excerpts (how many and
why), interviewer turns (kept for context, never evidence) and excerpts in another language
than the codebooks' (their rules did not code them)."""

from __future__ import annotations

from thematic.report.index import Index


def scope(store, index: Index) -> dict:
    """{"excluded", "reasons", "interviewer_turns", "language", "other_language",
    "other_languages", "any"} (see CONTEXT.md)."""
    from thematic.corpus.exclusions import summary

    found = summary(store)
    books = [b for b in index.current.values() if b is not None]
    languages = sorted({str(b.metadata.get("language") or "").lower()[:2] for b in books}
                       - {""})
    other: dict[str, int] = {}
    if languages:
        for excerpt in index.excerpts.values():
            if excerpt.language and excerpt.language not in languages:
                other[excerpt.language] = other.get(excerpt.language, 0) + 1
    return {**found, "language": ", ".join(languages) or None,
            "other_language": sum(other.values()),
            "other_languages": [{"language": k, "excerpts": v} for k, v in
                                sorted(other.items(), key=lambda kv: (-kv[1], kv[0]))],
            "any": bool(found["excluded"] or found["interviewer_turns"] or other)}
