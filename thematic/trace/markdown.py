"""The Markdown renderer of a trace: a reviewer's appendix fragment with the report's
anchors (``#theme-…``, ``#excerpt-…``, ``#study-…``), quote markers and claim markers, so
``thematic audit`` can check it like a report."""

from __future__ import annotations

# The report's own anchors and escaping, so a trace fragment reads (and audits) like it.
from thematic.report.markdown import anchor, attr
from thematic.report.markdown import escape as md_escape
from thematic.trace.model import (
    Chain,
    CodeNode,
    ExcerptNode,
    SourceNode,
    ThemeNode,
    coding_text,
    study_order,
    support_text,
    where,
)


def render(found: Chain) -> str:
    """The chain as a Markdown fragment."""
    out = _Markdown()
    if found.theme is not None:
        out.theme(found.theme, 2)
    elif found.code is not None:
        out.code(found.code, 2, claim=True)
    elif found.excerpt is not None:
        out.excerpt_chain(found.excerpt)
    out.studies()
    return "\n".join(out.lines).rstrip() + "\n"


class _Markdown:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.quoted: set[str] = set()
        self.cited: dict[str, SourceNode] = {}

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def cite(self, s: SourceNode) -> str:
        self.cited.setdefault(s.id, s)
        return f"[{md_escape(s.citation)}](#{anchor('study', s.id)})"

    def theme(self, t: ThemeNode, level: int) -> None:
        self.add(f'<a id="{anchor("theme", t.id)}"></a>',
                 f"{'#' * min(level, 6)} Theme: {md_escape(t.name)}", "")
        if t.description:
            self.add(md_escape(t.description), "")
        line = (f"{t.level.capitalize()} theme `{t.id}`: {len(t.evidence)} excerpt(s) from "
                f"{len(t.studies)} stud{'y' if len(t.studies) == 1 else 'ies'}.")
        self.add(f'{line} <!-- claim theme="{attr(t.id)}" studies="{len(t.studies)}" '
                 f'excerpts="{len(t.evidence)}" -->', "")
        if t.parent:
            self.add(f"Part of theme {md_escape(t.parent.name)} (`{t.parent.id}`).", "")
        for code in t.codes:
            self.code(code, level + 1)
        for topic in t.topics:
            self.add(f"{'#' * min(level + 1, 6)} Topic {topic.topic} of run {topic.run}", "")
            for e in topic.excerpts:
                self.excerpt(e)
        for child in t.children:
            self.theme(child, level + 1)

    def code(self, c: CodeNode, level: int, claim: bool = False) -> None:
        via = f" (beneath `{c.via}`)" if c.via else ""
        self.add(f"{'#' * min(level, 6)} Code `{c.id}` — {md_escape(c.name or c.id)}{via}", "")
        if c.definition:
            self.add(f"*{md_escape(c.definition)}* ({md_escape(c.codebook)} codebook)", "")
        if claim:
            self.add(f"{len(c.excerpts)} excerpt(s) from {len(c.studies)} "
                     f"stud{'y' if len(c.studies) == 1 else 'ies'}. "
                     f"<!-- claim code=\"{attr(c.id)}\" codebook=\"{attr(c.codebook)}\" "
                     f"studies=\"{len(c.studies)}\" excerpts=\"{len(c.excerpts)}\" -->", "")
            if c.themes:
                names = ", ".join(f"{md_escape(t.name)} (`{t.id}`)" for t in c.themes)
                self.add(f"Supports: {names}.", "")
        if not c.excerpts:
            self.add("No accepted coding.", "")
        for e in c.excerpts:
            self.excerpt(e)

    def excerpt(self, e: ExcerptNode) -> None:
        coded = "; ".join(coding_text(c) for c in e.codings)
        coded = f" Coded by {md_escape(coded)}." if coded else ""
        if e.id in self.quoted:
            self.add(f"- [{md_escape(e.id)}](#{anchor('excerpt', e.id)}) "
                     f"({self.cite(e.source)}; quoted above).{coded}", "")
            return
        self.quote(e)
        self.add(f"{md_escape(e.id)}: {md_escape(where(e))}.{coded}", "")

    def quote(self, e: ExcerptNode) -> None:
        self.quoted.add(e.id)
        # The marker sits alone on the first line: CommonMark reads a line starting with
        # "<!--" as raw HTML, so text after it on that line would not be rendered.
        self.add(f'<a id="{anchor("excerpt", e.id)}"></a>',
                 f'> <!-- quote excerpt="{attr(e.id)}" -->',
                 f'> "{md_escape(e.text)}" — {self.cite(e.source)}, '
                 f"[{md_escape(e.id)}](#{anchor('excerpt', e.id)})", "")

    def excerpt_chain(self, e: ExcerptNode) -> None:
        self.add(f"## Excerpt {md_escape(e.id)}", "")
        self.quote(e)
        title = f", *{md_escape(e.source.title)}*" if e.source.title else ""
        self.add(f"Source: {self.cite(e.source)}{title}; {md_escape(where(e))}.", "")
        if not e.codings:
            self.add("No codings.", "")
            return
        self.add("| Code | Codebook | Coder | Status | Method and rule | Themes |",
                 "| --- | --- | --- | --- | --- | --- |")
        for c in e.codings:
            name = f" — {md_escape(c.code_name)}" if c.code_name else ""
            version = f" {c.codebook_version}" if c.codebook_version else ""
            rule = md_escape(c.method + (f", {c.rule}" if c.rule else ""))
            themes = ", ".join(f"{md_escape(t.name)} (`{t.id}`)" for t in c.themes) or "—"
            self.add(f"| `{c.code_id}`{name} | {md_escape(c.codebook or '?')}"
                     f"{md_escape(version)} | {md_escape(c.coder)} | {c.status} | {rule} | "
                     f"{themes} |")
        self.add("")
        if e.supports:
            self.add("Supports:", "")
            self.add(*(f"- {md_escape(s.theme.name)} (`{s.theme.id}`): "
                       f"{md_escape(support_text(s))}" for s in e.supports))
            self.add("")

    def studies(self) -> None:
        if not self.cited:
            return
        self.add("### Studies", "")
        for sid in study_order(self.cited):
            s = self.cited[sid]
            title = f": {md_escape(s.title)}" if s.title else ""
            place = f" ({md_escape(s.file)}, {md_escape(s.location)})" if s.file else ""
            self.add(f'<a id="{anchor("study", s.id)}"></a>',
                     f"- **{md_escape(s.citation)}**{title}{place}", "")
