"""``thematic export qdpx|qdc`` and the ``qdpx`` sub-command of ``thematic import``.

REFI-QDA is the exchange standard of NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette.
"""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, pass_app, warn
from thematic.coding import STATUSES as CODING_STATUSES
from thematic.coding import Status
from thematic.words import plural

# The one list of statuses (thematic.store.codings.Status) as a click choice.
STATUSES = click.Choice(CODING_STATUSES)


@click.group()
def export() -> None:
    """Export the project in the REFI-QDA exchange format (.qdpx projects, .qdc codebooks)."""


@export.command("qdpx")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--codebook", help="The codebook to export with its codings (default: the "
              "current codebook loaded last).")
@click.option("--coder", "coders", multiple=True,
              help="Export only this coder's codings (repeat for several; default: all).")
@click.option("--status", "statuses", type=STATUSES, multiple=True,
              help="Codings of this status (repeat for several; default: accepted).")
@click.option("--no-extensions", is_flag=True, help="Leave out thematic's processing "
              "instructions (excerpt and code ids, criteria, rules), which other programs "
              "ignore anyway.")
@json_option
@pass_app
def export_qdpx(app: App, file: str, codebook: str | None, coders: tuple[str, ...],
                statuses: tuple[str, ...], no_extensions: bool, as_json: bool) -> None:
    """Write the project to FILE (.qdpx): sources as plain text, the codebook, coders as
    users, codings as selections with start and end positions, memos as notes, studies as
    cases, themes as sets."""
    from thematic.interop.qdpx_export import export_qdpx as run

    store, root = app.store(), app.root
    result = run(store, file, codebook=codebook, coders=list(coders) or None,
                 statuses=statuses or (Status.ACCEPTED,), extensions=not no_extensions,
                 project_name=root.name)
    if as_json:
        emit([], as_json=True, document=asdict(result))
        return
    if result.skipped_codings:
        warn(f"{plural(result.skipped_codings, 'coding')} of codes that codebook {result.codebook} "
             f"{result.version} lacks were not exported")
    if result.skipped_memos:
        warn(f"{plural(result.skipped_memos, 'memo')} on codes or themes outside the export were "
             "not exported")
    book = (f"codebook {result.codebook} {result.version} ({plural(result.codes, 'code')})"
            if result.codebook else "no codebook")
    click.echo(f"{file}: {plural(result.sources, 'source')}, {plural(result.codings, 'coding')} by "
               f"{plural(len(result.users), 'user')}, {book}, {plural(result.cases, 'case')}, "
               f"{plural(result.notes, 'note')}, {plural(result.sets, 'set')}.")
    if result.extension_codings:
        click.echo(f"{plural(result.extension_codings, 'more coding')} (proposals, rejected) "
                   "travel in thematic's extension, with who reviewed which excerpt.")


@export.command("qdc")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--codebook", help="The codebook (default: the current codebook loaded last).")
@click.option("--no-extensions", is_flag=True, help="Leave out thematic's processing "
              "instructions (code ids, criteria, rules).")
@pass_app
def export_qdc(app: App, file: str, codebook: str | None, no_extensions: bool) -> None:
    """Write a codebook to FILE as a REFI-QDA .qdc."""
    from thematic.interop.refi import export_qdc as run

    run(app.store(), file, codebook=codebook, extensions=not no_extensions)
    click.echo(f"{file}: written.")


@click.command("qdpx")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--coder", help="Record every coding under this coder (default: the REFI "
              "user who made it).")
@click.option("--codebook", help="Name for the imported codebook (default: the one the "
              "file gives, else its project name).")
@json_option
@pass_app
def qdpx_command(app: App, file: str, coder: str | None, codebook: str | None,
                 as_json: bool) -> None:
    """Import a REFI-QDA project (.qdpx): each text source becomes one excerpt (its study
    is the case that holds it), the codebook a codebook version, codings accepted codings by
    their users, notes memos, sets of codes themes. All of it lands, or none."""
    from thematic.interop.qdpx_import import import_qdpx as run

    store, root = app.store(), app.root
    result = run(store, file, coder=coder, codebook=codebook, root=root)
    if as_json:
        emit([], as_json=True, document=asdict(result))
        return
    for message in result.warnings:
        warn(message)
    if result.already_imported:
        click.echo(f"{result.path}: already imported; nothing added.")
        return
    book = (f"codebook {result.codebook} {result.version} ({plural(result.codes, 'code')}"
            f"{'' if result.codebook_created else ', already loaded'})"
            if result.codebook else "no codebook")
    click.echo(f"{result.path}: {plural(len(result.studies_added), 'study')} and "
               f"{plural(result.excerpts_added, 'excerpt')} added "
               f"({result.excerpts_reused} already present), {book}, "
               f"{plural(result.codings_added, 'coding')} by "
               f"{plural(len(result.coders), 'coder')}, {plural(result.memos_added, 'memo')}, "
               f"{plural(len(result.themes_added), 'theme')}.")
