"""``thematic init``, ``thematic status`` and ``thematic log``."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, non_negative, pass_app


@click.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
def init(directory: str) -> None:
    """Create a project in DIRECTORY (default: here): the project database and the
    codebooks/, corpus/ and reports/ folders."""
    from thematic.project import init as create

    root = create(directory)
    click.echo(f"Created project {root}")


@click.command()
@json_option
@pass_app
def status(app: App, as_json: bool) -> None:
    """Counts of studies, excerpts, codebooks, codings and themes in the project."""
    from thematic.coding.assign import current, progress
    from thematic.corpus import counts

    root = app.root
    numbers = counts(app.store())
    run = current(app.store())
    coders = [asdict(p) for p in progress(app.store())] if run else []
    if as_json:
        extra = {"assignment": {"run": run.id, "blind": run.blinding, "coders": coders}
                 } if run else {}
        emit([], as_json=True, document={"project": str(root), **numbers, **extra})
        return
    click.echo(f"Project {root}")
    emit([{"what": k, "count": v} for k, v in numbers.items()], as_json=False)
    if run:
        click.echo("")
        click.echo(f"Assignment {run.id} ({'blind' if run.blinding else 'not blind'}), "
                   "progress per coder:")
        emit(coders, as_json=False)


@click.command()
@click.option("--limit", type=int, default=20, show_default=True, callback=non_negative,
              help="Newest N events.")
@json_option
@pass_app
def log(app: App, limit: int, as_json: bool) -> None:
    """The project's event log (append-only and hash-chained): who did what, when."""
    events = list(app.store().events())
    events = events[-limit:] if limit else events
    rows = [{"id": e.id, "time": e.ts, "actor": e.actor, "command": e.command,
             "action": e.action, "entity": e.entity} for e in events]
    emit(rows, as_json=as_json, document=[e.to_dict() for e in events])
