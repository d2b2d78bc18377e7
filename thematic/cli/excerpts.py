"""``thematic studies list`` and ``thematic excerpts list|show``."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, non_negative, pass_app


@click.group()
def studies() -> None:
    """The studies (sources) excerpts come from."""


@studies.command("list")
@json_option
@pass_app
def list_studies(app: App, as_json: bool) -> None:
    """List the studies with their citation fields."""
    from thematic.store.corpus import list_sources

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
    from thematic.store.corpus import list_excerpts as query

    found = query(app.store(), source=source, search=search, limit=limit)
    rows = [{"id": e.id, "study": e.source_id, "text": e.text, "location": e.location}
            for e in found]
    emit(rows, as_json=as_json, document=[asdict(e) for e in found])


@excerpts.command("show")
@click.argument("excerpt_id")
@json_option
@pass_app
def show(app: App, excerpt_id: str, as_json: bool) -> None:
    """Show one excerpt in full, with its provenance."""
    from thematic.errors import ThematicError, nearest
    from thematic.store.corpus import all_excerpt_ids, get_excerpt

    store = app.store()
    found = get_excerpt(store, excerpt_id)
    if found is None:
        raise ThematicError("E030", value=excerpt_id,
                            suggest=nearest(excerpt_id, all_excerpt_ids(store)))
    if as_json:
        emit([], as_json=True, document=asdict(found))
        return
    click.echo(f"{found.id}  (study {found.source_id}; {found.file}, {found.location}, "
               f"characters {found.start}-{found.end})")
    click.echo("")
    click.echo(found.text)
