"""``thematic report``: write the narrative synthesis (Markdown or HTML) and its figures."""

from __future__ import annotations

from pathlib import Path

import click

from thematic.cli.common import App, emit, json_option, pass_app, warn
from thematic.words import plural


@click.command()
@click.option("--template", "template", metavar="NAME|DIR|FILE",
              help="A bundled template name (default), a folder holding your report.md.j2, "
                   "or a template file. Your templates may {% extends "
                   "\"default/report.md.j2\" %} and override single blocks.")
@click.option("--out", "out", type=click.Path(), metavar="FILE",
              help="Where to write the report (default: reports/report.md in the project, "
                   "or .html with --format html). Figures go to a folder named after it.")
@click.option("--themes", "themes", metavar="A,B,…",
              help="Only these themes (ids or names, comma-separated).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md",
              show_default=True, help="Markdown, or a standalone HTML page.")
@click.option("--title", help="The report's title (default: the project's title setting, "
                              "else \"Thematic synthesis\").")
@click.option("--agreement-coders", "coders", metavar="A,B",
              help="State the agreement between these coders (default: every human coder).")
@click.option("--design", type=click.Choice(["review", "interviews", "survey"]),
              help="Shape the report for this design (default: detected: speaker turns → "
              "interviews, answers with a question or 40+ bare respondents → survey, "
              "otherwise review).")
@click.option("--by", "by", metavar="ATTR[,ATTR]",
              help="Survey: break each theme down by these one or two respondent attributes "
              "(default: the two that most respondents record with the fewest values).")
@click.option("--evidence-coders", "evidence", metavar="A,B",
              help="Whose accepted codings are evidence (default: the project's "
                   "evidence_coders setting, else every human coder; see `thematic "
                   "evidence`).")
@json_option
@pass_app
def report(app: App, template: str | None, out: str | None, themes: str | None, fmt: str,
           title: str | None, coders: str | None, evidence: str | None, design: str | None,
           by: str | None,
           as_json: bool) -> None:
    """Render the narrative synthesis: methods and counts, an evidence table, one section
    per theme (prevalence, codes, quotes with citations, co-occurring themes, divergent
    cases), figures, evidence gaps, a traceability appendix and the references.

    The same project always gives the same report, byte for byte.
    """
    from thematic.report.render import build_report

    root = app.root
    target = Path(out) if out else root / "reports" / f"report.{'html' if fmt == 'html' else 'md'}"
    wanted = _list(themes)
    result = build_report(app.store(), target, template=template, themes=wanted, fmt=fmt,
                          title=title, agreement_coders=_list(coders),
                          evidence_coders=_list(evidence), design=design, by=_list(by))
    shown = _shown(result.path, root)
    if as_json:
        emit([], as_json=True, document={
            "report": shown, "format": fmt, "themes": result.themes,
            "figures": [_shown(p, root) for p in result.figures], "notes": result.notes})
        return
    for note in result.notes:
        warn(note)
    figures = f"; {plural(len(result.figures), 'figure')} in {_shown(result.path.parent, root)}/" \
              f"{result.path.stem}/" if result.figures else ""
    click.echo(f"Wrote {shown} ({plural(result.themes, 'theme')}{figures}).")


def _list(value: str | None) -> list[str] | None:
    items = [v.strip() for v in value.split(",") if v.strip()] if value else []
    return items or None


def _shown(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
