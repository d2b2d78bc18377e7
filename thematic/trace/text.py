"""The plain-text renderer of a trace (what ``thematic trace ID`` prints): the chain both
ways, indented, one fact a line."""

from __future__ import annotations

from thematic.store.codings import Status
from thematic.trace.model import Chain, coding_text, support_text, where
from thematic.words import plural


def render(found: Chain) -> str:
    """The chain as text, ending in a newline."""
    return "\n".join(_text(found)) + "\n"


def _text(found) -> list[str]:
    if found.theme is not None:
        return _theme(found.theme, 0)
    if found.code is not None:
        return _code(found.code, 0, top=True)
    return _excerpt_chain(found.excerpt)


def _evidence(excerpts: int, studies: list[str]) -> str:
    listed = f" ({', '.join(studies)})" if studies else ""
    return f"evidence: {plural(excerpts, 'excerpt')} from {plural(len(studies), 'study')}" \
           f"{listed}"


def _theme(t, depth: int) -> list[str]:
    pad = "  " * depth
    out = [f"{pad}{'sub-theme' if depth else 'theme'} {t.id}: {t.name} ({t.level})"]
    if t.description:
        out.append(f"{pad}  {' '.join(t.description.split())}")
    out.append(f"{pad}  {_evidence(len(t.evidence), t.studies)}")
    if depth == 0:
        out.append(f"{pad}  up: " + (f"part of theme {t.parent.id} ({t.parent.name})"
                                     if t.parent else "a top-level theme"))
        out.append(f"{pad}  down:")
    for code in t.codes:
        out += _code(code, depth + 2)
    for topic in t.topics:
        moved = ""
        if topic.reassigned:
            moved = (f" ({len(topic.reassigned)} reassigned from HDBSCAN's outliers, "
                     + ("counted by the evidence policy)" if topic.counted else
                        f"not evidence: {', '.join(topic.reassigned)})"))
        out.append(f"{pad}    topic {topic.topic} of run {topic.run}: "
                   f"{plural(len(topic.excerpts), 'member')}{moved}")
        for e in topic.excerpts:
            out += _excerpt(e, depth + 3, reassigned=e.id in topic.reassigned)
    for child in t.children:
        out += _theme(child, depth + 2)
    if not (t.codes or t.topics or t.children):
        out.append(f"{pad}    (no codes, topics or sub-themes)")
    return out


def _code(c, depth: int, top: bool = False) -> list[str]:
    pad = "  " * depth
    via = f" (beneath {c.via})" if c.via else ""
    out = [f"{pad}code {c.codebook}:{c.id} — {c.name or '(not in the codebook)'}{via}"]
    if top:
        if c.definition:
            out.append(f"{pad}  definition: {' '.join(c.definition.split())}")
        out.append(f"{pad}  {_evidence(len(c.excerpts), c.studies)}")
        themes = ", ".join(f"{t.id} ({t.name})" for t in c.themes)
        out.append(f"{pad}  up: " + (f"theme(s) {themes}" if themes else "in no theme"))
        out.append(f"{pad}  down:")
        depth += 1
    if not c.excerpts:
        out.append(f"{pad}  (no accepted coding)")
    for e in c.excerpts:
        out += _excerpt(e, depth + 1)
    return out


def _excerpt(e, depth: int, reassigned: bool = False) -> list[str]:
    pad = "  " * depth
    moved = " (reassigned from the outliers)" if reassigned else ""
    out = [f"{pad}excerpt {e.id} — study {e.source.id}, {e.source.citation}{moved}",
           f"{pad}  \"{' '.join(e.text.split())}\"",
           f"{pad}  at {where(e)}"]
    out += [f"{pad}  coded by {coding_text(c)}" for c in e.codings]
    return out


def _excerpt_chain(e) -> list[str]:
    s = e.source
    title = f": {s.title}" if s.title else ""
    row = f" ({s.file}, {s.location})" if s.file else ""
    out = [f"excerpt {e.id} — study {s.id}, {s.citation}",
           f"  \"{' '.join(e.text.split())}\"",
           f"  down: study {s.id}, {s.citation}{title}{row}",
           f"        at {where(e)}",
           "  up:" + ("" if e.codings else " no codings")]
    for c in e.codings:
        name = f" — {c.code_name}" if c.code_name else " (not in its codebook)"
        out.append(f"    coding {c.id}: {c.codebook or '?'}:{c.code_id}{name}, by "
                   f"{coding_text(c)}")
        if c.status != Status.ACCEPTED:
            out.append(f"      (not evidence: {c.status})")
        elif c.id in e.not_evidence:
            out.append(f"      (not evidence: {e.not_evidence[c.id]}; see `thematic "
                       "evidence show`)")
        elif c.themes:
            out += [f"      theme {t.id}: {t.name}" for t in c.themes]
        else:
            out.append("      (in no theme)")
    out.append("  supports:" + ("" if e.supports else " no theme"))
    out += [f"    theme {s.theme.id}: {s.theme.name} — {support_text(s)}" for s in e.supports]
    out += [f"    (not evidence for theme {s.theme.id}: {support_text(s)}; the evidence policy "
            "leaves reassigned members out, see `thematic evidence show`)"
            for s in e.not_evidence_topics]
    return out
