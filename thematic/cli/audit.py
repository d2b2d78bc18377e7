"""``thematic audit`` and ``thematic trace ID``."""

from __future__ import annotations

import click

from thematic.cli.common import App, emit, json_option, pass_app
from thematic.words import plural


@click.command()
@click.option("--report", "reports", multiple=True, type=click.Path(dir_okay=False),
              help="Check this report (repeatable; default: every reports/*.md that "
                   "`thematic report` wrote).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes: 2 re-renders the reports in a second process while this one "
                   "runs the other checks (default: 2 from 20,000 excerpts on a machine "
                   "with two cores, else 1).")
@json_option
@pass_app
def audit(app: App, reports: tuple[str, ...], strict: bool, jobs: int | None,
          as_json: bool) -> None:
    """Check traceability: themes → codes → excerpts → source files, the event log's hash
    chain, and every quote, citation, anchor and count in the reports.

    Lists every problem with where it is and how to fix it. Exit status 1 when there is
    an error (with --strict, also a warning); 0 when the project audits clean.
    """
    from thematic.audit import run

    result = run(app.store(), root=app.root, reports=list(reports) or None, jobs=jobs)
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
        click.echo(f"Audit: {plural(len(result.errors), 'error')}, "
                   f"{plural(len(result.warnings), 'warning')} "
                   f"({plural(len(result.checks), 'check')}; "
                   f"reports: {checked}).")
    if result.failed(strict):
        click.get_current_context().exit(1)


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
    from thematic.trace import chain, to_json, to_markdown, to_text

    found = chain(app.store(), ident)
    if as_json or fmt == "json":
        emit([], as_json=True, document=to_json(found))
    else:
        click.echo((to_markdown if fmt == "md" else to_text)(found), nl=False)
