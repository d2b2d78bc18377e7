"""``thematic import studies|excerpts``: bring sheets and documents into the project."""

from __future__ import annotations

from pathlib import Path

import click

from thematic.cli.common import App, LiveChoice, pass_app, progress, warn
from thematic.cli.interop import qdpx_command
from thematic.corpus import formats
from thematic.words import plural

FORMATS = LiveChoice(formats.kinds)


@click.group(name="import")
def import_() -> None:
    """Import studies (one row per included study) and excerpts (findings, transcripts)."""


import_.add_command(qdpx_command, "qdpx")


def _read_options(f):
    f = click.option("--format", "fmt", type=FORMATS,
                     help="Read as this format whatever the file's extension.")(f)
    f = click.option("--encoding", help="Text encoding (default: detected; UTF-8, UTF-8 "
                     "with BOM, UTF-16 and cp1252 are recognised).")(f)
    f = click.option("--sheet", help="XLSX: the worksheet to read (default: the first).")(f)
    return f


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


@import_.command("studies")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--id-column", help="Column holding the study id (default: id, study_id, ref).")
@_read_options
@pass_app
def studies(app: App, file: str, id_column: str | None, fmt: str | None,
            encoding: str | None, sheet: str | None) -> None:
    """Import the study table from FILE (CSV/TSV/XLSX/JSONL).

    Recognised columns: id, first_author, authors, year, title, journal, doi, design,
    population, setting, intervention_type, country; other columns become attributes.
    """
    from thematic.corpus.importer import import_studies

    path = Path(file)
    store, root = app.store(), app.root
    with progress(_size([path]) if path.exists() else 0, "Importing studies") as bar:
        result = import_studies(store, path, id_column=id_column, fmt=fmt, encoding=encoding,
                                sheet=sheet, root=root, progress=bar)
    if result.already_imported:
        click.echo(f"{result.path}: already imported; nothing added.")
        return
    for message in result.notes:
        warn(message)
    click.echo(f"{result.path}: {plural(result.added, 'study')} added, "
               f"{len(result.changed)} updated, "
               f"{result.unchanged} unchanged.")


@import_.command("excerpts")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--text-column", help="Column holding the text (default: text, finding, "
              "excerpt, quote, answer, response, content).")
@click.option("--source-column", help="Column holding the study id (default: study_id, "
              "source_id, study, source, ref).")
@click.option("--id-column", help="Column holding a stable excerpt id (default: id if "
              "present, else an id made from the study and the text).")
@click.option("--source", help="Attribute every excerpt of these files to this study "
              "(documents default to a source named after the file).")
@click.option("--segment", type=click.Choice(["row", "paragraph", "sentence", "turn"]),
              default=None, help="Cut the text into excerpts by row (sheets' default), "
              "paragraph (documents' default), sentence, or speaker turn (transcripts).")
@click.option("--interviewer", "interviewers", multiple=True, metavar="NAMES",
              help="--segment turn: the speakers who ask the questions, comma-separated "
              "(e.g. \"Interviewer 1,Interviewer 2\"); their turns are kept for context "
              "but never coded or counted. Default: labels such as Interviewer, Moderator, "
              "Facilitator, I, Q, Enquêteur.")
@click.option("--roles", "roles_file", type=click.Path(dir_okay=False),
              help="--segment turn: a CSV/TSV with columns speaker and role (interviewer or "
              "participant).")
@click.option("--context-column", help="Sheets: the column that gives each answer its "
              "context, shown beside it (default: question, prompt or item when present; "
              "else the answer column's header when it is not a generic name).")
@click.option("--language", default=None,
              help="Each excerpt's language: auto (detected offline), none, or an ISO 639-1 "
              "code for all of them (default: auto for documents, none for sheets).")
@click.option("--create-sources", is_flag=True,
              help="Create studies that the excerpts name but the project lacks.")
@click.option("--skip-unsupported", is_flag=True,
              help="In folders, skip files of unsupported types instead of failing.")
@_read_options
@pass_app
def excerpts(app: App, files: tuple[str, ...], text_column, source_column, id_column,
             source, segment, interviewers, roles_file, context_column, language,
             create_sources, skip_unsupported, fmt, encoding, sheet) -> None:
    """Import excerpts from FILES: sheets (CSV/TSV/XLSX/JSONL, a row each) or documents
    (TXT/Markdown/DOCX, a paragraph each). Folders are read recursively.

    All files land in one transaction: if one fails, none is imported.
    """
    from thematic.corpus.importer import (
        ExcerptOptions,
        expand,
        import_excerpts,
        roles_map,
        unknown_speakers,
    )

    names = [n for item in interviewers for n in item.split(",")]
    roles = roles_map(names, roles_file) if (names or roles_file) else None
    options = ExcerptOptions(text_column=text_column, source_column=source_column,
                             id_column=id_column, source=source,
                             segment=segment or "row", create_sources=create_sources,
                             fmt=fmt, encoding=encoding, sheet=sheet,
                             skip_unsupported=skip_unsupported, roles=roles,
                             context_column=context_column, language=language)
    if segment is None:
        options.segment = "row"  # documents are cut into paragraphs whatever this says
    store, root = app.store(), app.root
    paths, _ = expand(files, skip_unsupported)
    with progress(_size(paths), "Importing excerpts") as bar:
        results = import_excerpts(store, files, options, root=root, progress=bar)
    for result in results:
        for message in result.warnings:
            warn(message)
        if result.empty:
            continue
        if result.already_imported:
            click.echo(f"{result.path}: already imported; nothing added.")
            continue
        n = len(result.sources_created)
        extra = f", {plural(n, 'source')} created" if n else ""
        click.echo(f"{result.path}: {plural(result.added, 'excerpt')} added, {result.unchanged} "
                   f"unchanged, {len(result.changed)} changed{extra}.")
        if result.speakers:
            who = ", ".join(f"{s} ({r})" for s, r in result.speakers.items())
            click.echo(f"  speakers: {who}")
    if roles and any(r.speakers for r in results):
        for name in unknown_speakers(roles, results):
            warn(f"the roles name speaker {name!r}, who has no turn in these files; check "
                 "the spelling against the speakers listed above.")
