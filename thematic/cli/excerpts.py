"""``thematic studies list`` and ``thematic excerpts list|show``."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, non_negative, pass_app
from thematic.words import plural


@click.group()
def studies() -> None:
    """The studies (sources) excerpts come from."""


@studies.command("list")
@json_option
@pass_app
def list_studies(app: App, as_json: bool) -> None:
    """List the studies with their citation fields."""
    from thematic.corpus import list_sources

    found = list_sources(app.store())
    rows = [{"id": s.id, "citation": s.citation, "title": s.title} for s in found]
    emit(rows, as_json=as_json, document=[asdict(s) for s in found])


@click.group()
def excerpts() -> None:
    """The excerpts (findings, transcript paragraphs) in the project."""


@excerpts.command("list")
@click.option("--source", help="Only the excerpts of this study.")
@click.option("--search", help="Only excerpts whose text contains this.")
@click.option("--limit", type=int, callback=non_negative, help="At most N excerpts.")
@json_option
@pass_app
def list_excerpts(app: App, source: str | None, search: str | None, limit: int | None,
                  as_json: bool) -> None:
    """List excerpts with their study and where they came from."""
    from thematic.corpus import list_excerpts as query
    from thematic.lookup import study

    if source is not None:
        study(app.store(), source)
    found = query(app.store(), source=source, search=search, limit=limit)
    rows = [{"id": e.id, "study": e.source_id, "text": e.text, "location": e.location}
            for e in found]
    emit(rows, as_json=as_json, document=[asdict(e) for e in found])


@excerpts.command("show")
@click.argument("excerpt_id")
@click.option("--around", default=1, show_default=True, type=click.IntRange(0, 20),
              help="Transcript turns: how many turns before and after to show.")
@json_option
@pass_app
def show(app: App, excerpt_id: str, around: int, as_json: bool) -> None:
    """Show one excerpt in full, with its provenance (a transcript turn with the turns
    around it; a survey answer with its question)."""
    from thematic.lookup import excerpt, neighbours

    store = app.store()
    found = excerpt(store, excerpt_id)
    before, after = neighbours(store, found, around) if found.speaker else ([], [])
    if as_json:
        emit([], as_json=True, document={**asdict(found),
                                         "before": [asdict(e) for e in before],
                                         "after": [asdict(e) for e in after]})
        return
    click.echo(f"{found.id}  (study {found.source_id}; {found.file}, {found.location}, "
               f"characters {found.start}-{found.end})")
    if found.excluded:
        click.echo(f"Excluded from the analysis: {found.excluded}")
    if found.context:
        click.echo(f"Context: {found.context}")
    click.echo("")
    for other in before:
        click.echo(f"  {_who(other)}: {other.text}")
    click.echo(f"> {_who(found)}: {found.text}" if found.speaker else found.text)
    for other in after:
        click.echo(f"  {_who(other)}: {other.text}")


def _who(excerpt) -> str:
    role = f", {excerpt.role}" if excerpt.role else ""
    return f"[{excerpt.speaker or '?'}{role}]"


@excerpts.command("exclude")
@click.argument("ids", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why these excerpts leave the analysis "
              "(stated in the report's methods).")
@pass_app
def exclude(app: App, ids: tuple[str, ...], reason: str) -> None:
    """Take excerpts out of coding, themes, networks and reports (they stay in the project;
    `excerpts include` brings them back)."""
    from thematic.corpus.exclusions import exclude as run

    result = run(app.store(), list(ids), reason)
    click.echo(f"{plural(len(result.changed), 'excerpt')} excluded ({reason.strip()}); "
               f"{len(result.unchanged)} already excluded.")


@excerpts.command("include")
@click.argument("ids", nargs=-1, required=True)
@pass_app
def include(app: App, ids: tuple[str, ...]) -> None:
    """Bring excluded excerpts back into the analysis."""
    from thematic.corpus.exclusions import include as run

    result = run(app.store(), list(ids))
    click.echo(f"{plural(len(result.changed), 'excerpt')} included again; "
               f"{len(result.unchanged)} were not excluded.")
