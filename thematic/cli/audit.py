"""``thematic audit`` and ``thematic trace ID``."""

from __future__ import annotations

import click

from thematic.cli.common import App, emit, json_option, pass_app


@click.command()
@click.option("--report", "reports", multiple=True, type=click.Path(dir_okay=False),
              help="Check this report (repeatable; default: every reports/*.md that "
                   "`thematic report` wrote).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@json_option
@pass_app
def audit(app: App, reports: tuple[str, ...], strict: bool, as_json: bool) -> None:
    """Check traceability: themes → codes → excerpts → source files, the event log's hash
    chain, and every quote, citation, anchor and count in the reports.

    Lists every problem with where it is and how to fix it. Exit status 1 when there is
    an error (with --strict, also a warning); 0 when the project audits clean.
    """
    from thematic.audit import run

    result = run(app.store(), root=app.root, reports=list(reports) or None)
    if as_json:
        emit([], as_json=True, document=result.to_dict())
    else:
        for p in result.problems:
            click.echo(f"{p.severity:<8} {p.check}: {p.message}")
            if p.where:
                click.echo(f"         where: {_where(p.where)}")
            if p.fix:
                click.echo(f"         fix: {p.fix}")
        checked = ", ".join(r + (" (markers only)"
                                 if r in result.markers_only else "")
                            for r in result.reports) or "none found"
        if result.problems:
            click.echo("")
        click.echo(f"Audit: {_n(len(result.errors), 'error')}, "
                   f"{_n(len(result.warnings), 'warning')} ({len(result.checks)} checks; "
                   f"reports: {checked}).")
    if result.failed(strict):
        click.get_current_context().exit(1)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _where(where: dict) -> str:
    parts = []
    if "file" in where:
        parts.append(f"{where['file']}:{where['line']}" if "line" in where else where["file"])
    for key, value in where.items():
        if key in ("file", "line"):
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        parts.append(f"{key} {value}")
    return "; ".join(parts)


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text",
              show_default=True, help="md: a reviewer's appendix fragment with the report's "
                                      "anchors.")
@json_option
@pass_app
def trace(app: App, ident: str, fmt: str, as_json: bool) -> None:
    """Print the chain through ID both ways: a theme (→ codes → excerpts → studies, and
    its parent theme), a code (→ excerpts, and its themes; CODEBOOK:CODE when ambiguous)
    or an excerpt (→ its study and file, and its codings → codes → themes)."""
    from dataclasses import asdict

    from thematic.trace import chain, to_markdown

    found = chain(app.store(), ident)
    if as_json or fmt == "json":
        emit([], as_json=True, document=asdict(found))
    elif fmt == "md":
        click.echo(to_markdown(found), nl=False)
    else:
        click.echo("\n".join(_text(found)))


def _text(found) -> list[str]:
    if found.theme is not None:
        return _theme(found.theme, 0)
    if found.code is not None:
        return _code(found.code, 0, top=True)
    return _excerpt_chain(found.excerpt)


def _evidence(excerpts: int, studies: list[str]) -> str:
    listed = f" ({', '.join(studies)})" if studies else ""
    return f"evidence: {_n(excerpts, 'excerpt')} from {len(studies)} " \
           f"{'study' if len(studies) == 1 else 'studies'}{listed}"


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
                   f"{_n(len(topic.excerpts), 'member')}{moved}")
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
    from thematic.trace import coding_text, where

    pad = "  " * depth
    moved = " (reassigned from the outliers)" if reassigned else ""
    out = [f"{pad}excerpt {e.id} — study {e.source.id}, {e.source.citation}{moved}",
           f"{pad}  \"{' '.join(e.text.split())}\"",
           f"{pad}  at {where(e)}"]
    out += [f"{pad}  coded by {coding_text(c)}" for c in e.codings]
    return out


def _excerpt_chain(e) -> list[str]:
    from thematic.trace import coding_text, support_text, where

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
        if c.status != "accepted":
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
