"""``thematic demo``: the whole pipeline on the bundled peer-support corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from thematic.words import plural


@click.command()
@click.argument("directory", type=click.Path(file_okay=False), default="thematic-demo")
@click.option("--embeddings", help="Embedding backend for candidate themes (default: the "
              "packaged all-MiniLM-L6-v2, else tfidf).")
@click.option("--report-to", type=click.Path(file_okay=False),
              help="Also copy the report and its figures into this folder (the repository's "
                   "reports/ holds the committed example).")
def demo(directory: str, embeddings: str | None, report_to: str | None) -> None:
    """Run every step on the bundled peer-support review (65 studies) in DIRECTORY
    (default: ./thematic-demo, replaced if it holds an earlier demo): import, codebooks,
    auto-coding, gold coding, agreement, candidate themes, themes, network, report, audit.

    With --report-to, the run is the reproducible example: its clock is fixed to the
    corpus date (SOURCE_DATE_EPOCH), so the report is byte-identical on every run."""
    from thematic.demo import EXAMPLE_EPOCH, run

    def notify(step) -> None:
        click.echo(f"✓ {step.name}: {step.summary}")

    result = run(Path(directory), embeddings=embeddings, notify=notify,
                 epoch=EXAMPLE_EPOCH if report_to else None)
    assert result.report is not None, "the demo's report step sets it"
    click.echo(f"Report: {result.report}")
    if report_to:
        target = Path(report_to)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(result.report, target / result.report.name)
        figures = result.report.with_suffix("")
        if figures.is_dir():
            shutil.copytree(figures, target / figures.name, dirs_exist_ok=True)
        click.echo(f"Copied to {target / result.report.name}")
    if result.audit_problems:
        raise click.ClickException(f"the audit found "
                                   f"{plural(result.audit_problems, 'problem')}; run "
                                   f"`thematic --project {result.root} audit`")
