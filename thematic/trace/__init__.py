"""Traceability chains: what supports a theme, and what an excerpt supports.

``chain(store, id)`` resolves ``id`` as a theme, else a code, else an excerpt, and returns
the chain both ways: theme → sub-themes → codes → excerpts → studies (with file, location
and offsets), and excerpt → codings (coder, status, rule) → codes → themes. Evidence is
always the ACCEPTED codings (``thematic.themes.evidence``); an excerpt's chain lists every
coding so a reviewer sees the rejected and proposed ones too.

One model (the ``Chain`` dataclasses built here), three renderers: ``to_text`` (what
``thematic trace`` prints; trace/text.py), ``to_markdown`` (a reviewer's appendix fragment
with the report's anchors, quote and claim markers, which ``thematic audit`` can check like a
report; trace/markdown.py) and ``to_json`` (the model's fields). The wording of a coding, a
support and a location (``coding_text``, ``support_text``, ``where``) is shared by all.
"""

from __future__ import annotations

from thematic.trace import markdown as _markdown
from thematic.trace import text as _text
from thematic.trace.model import (
    Chain,
    CodeNode,
    CodingNode,
    ExcerptNode,
    SourceNode,
    Support,
    ThemeNode,
    ThemeRef,
    TopicNode,
    chain,
    children_of,
    code_themes,
    coding_text,
    expand,
    study_order,
    support_text,
    where,
)

__all__ = ["Chain", "CodeNode", "CodingNode", "ExcerptNode", "SourceNode", "Support",
           "ThemeNode", "ThemeRef", "TopicNode", "chain", "children_of", "code_themes",
           "coding_text", "expand", "study_order", "support_text", "to_json", "to_markdown",
           "to_text", "where"]


def to_text(found: Chain) -> str:
    """The chain as the plain text ``thematic trace ID`` prints."""
    return _text.render(found)


def to_markdown(found: Chain) -> str:
    """The chain as a Markdown fragment with the report's anchors and markers."""
    return _markdown.render(found)


def to_json(found: Chain) -> dict:
    """The chain as one JSON document: the model's fields, as they are."""
    from dataclasses import asdict

    return asdict(found)
