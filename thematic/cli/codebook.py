"""``thematic codebook validate|load|import|list|show|diff|export``."""

from __future__ import annotations

import click

from thematic.cli.common import App, LiveChoice, emit, json_option, pass_app, warn
from thematic.codebook.exports import EXPORTERS
from thematic.interop import refi  # noqa: F401  (registers the qdc exporter)
from thematic.words import plural

# The codebook's export formats; importing the REFI-QDA room registers qdc among them.
FORMATS = LiveChoice(EXPORTERS.names)


@click.group()
def codebook() -> None:
    """Codebooks: validate and load YAML codebooks (versioned by content), list and show
    them, compare two versions, export them as YAML, CSV or a Markdown appendix.

    Two ship with thematic: codebooks/cfir2.yaml (CFIR 2.0 with the Outcomes Addendum) and
    codebooks/peer-support.yaml. The format is described by codebooks/schema.json.
    """


def _maybe_store(app: App):
    """The project's store when there is a project (validate and diff work without one)."""
    from thematic.errors import ThematicError

    try:
        return app.store()
    except ThematicError as exc:
        if exc.code in ("E001", "E003"):
            return None
        raise


@codebook.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@click.pass_context
@pass_app
def validate(app: App, ctx: click.Context, file: str, as_json: bool) -> None:
    """Check FILE against the schema and the codebook rules; list every problem with its
    line. Exit status 1 when there is any."""
    from thematic.codebook import check

    doc, problems = check(file, _maybe_store(app))
    unit = doc.unit if doc is not None else "line"
    if as_json:
        emit([], as_json=True, document={
            "path": file, "valid": not problems,
            "name": doc.name if doc is not None else None,
            "codes": len(doc.codes) if doc is not None else None,
            "problems": [{"line": p.line, "where": p.where, "message": p.message}
                         for p in problems]})
    elif problems:
        for problem in problems:
            click.echo(problem.render(file, unit))
        click.echo(f"{plural(len(problems), 'problem')} found in {file}.")
    else:
        codable = sum(1 for c in doc.codes if c.get("codable", True) is not False)
        click.echo(f"{file}: valid — {doc.name} {doc.version}, {plural(len(doc.codes), 'code')} "
                   f"({codable} codable).")
    if problems:
        ctx.exit(1)


def _report(result, as_json: bool) -> None:
    """What load and import print."""
    if as_json:
        document = {
            "name": result.name, "version": result.version, "id": result.codebook_id,
            "hash": result.digest, "status": result.status, "codes": len(result.codes),
            "previous": result.previous_id,
            "diff": result.diff.as_dict() if result.diff else None,
            "flagged": [vars(f) for f in result.flagged], "warnings": result.warnings}
        emit([], as_json=True, document=document)
        return
    for message in result.warnings:
        warn(message)
    codable = sum(1 for c in result.codes if c.codable)
    label = f"{result.name} {result.version}"
    if result.status == "unchanged":
        click.echo(f"{label} is already loaded as version #{result.codebook_id} (same "
                   "content); nothing changed.")
    elif result.status == "reactivated":
        click.echo(f"{label}: same content as version #{result.codebook_id}, which is the "
                   "current version again.")
    else:
        was = f" (was #{result.previous_id})" if result.previous_id else ""
        click.echo(f"Loaded {label} as version #{result.codebook_id}{was}: "
                   f"{plural(len(result.codes), 'code')} ({codable} codable).")
        if result.diff is not None:
            click.echo(f"Changes: {result.diff.summary()}.")
    if result.flagged:
        total = sum(f.codings for f in result.flagged)
        click.echo(f"Flagged: "
                   f"{plural(total, 'coding')} made against earlier versions use codes that "
                   "were removed, renamed or changed; they are kept as they were:")
        for f in result.flagged:
            click.echo(f"  {f.code_id} (version #{f.codebook_id}, {f.reason}): "
                       f"{plural(f.codings, 'coding')}")


@codebook.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@pass_app
def load(app: App, file: str, as_json: bool) -> None:
    """Load the codebook FILE into the project. Its content hash identifies the version:
    loading an edited file adds a new version (reporting codes added, removed, renamed and
    changed) and flags codings made against codes that changed; nothing is deleted."""
    from thematic.codebook import load as load_file

    _report(load_file(app.store(), file, root=app.root), as_json)


@codebook.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", help="The codebook's name, a slug (default: from the file name).")
@click.option("--version", "version", default="1.0.0", show_default=True,
              help="The version to record.")
@click.option("--title", help="The codebook's title (default: the file name).")
@json_option
@pass_app
def import_(app: App, file: str, name: str | None, version: str, title: str | None,
            as_json: bool) -> None:
    """Load a codebook written as a CSV sheet, one row per code, with the columns id,
    parent, name, definition (optional: codable, include, exclude, cfir as ';'-separated
    CFIR ids) — or a REFI-QDA .qdc codebook (NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette)."""
    # thematic.interop.refi.import_qdc returns the same LoadResult as import_csv
    # (--version and --title do not apply: a .qdc carries neither).
    from thematic.interop.sniff import refi_root

    # By content too: other programs save .qdc codebooks as .qdc.xml or .xml.
    if file.lower().endswith(".qdc") or refi_root(file) is not None:
        from thematic.interop.refi import import_qdc

        _report(import_qdc(app.store(), file, name=name, root=app.root), as_json)
        return
    from thematic.codebook import import_csv

    _report(import_csv(app.store(), file, name=name, version=version, title=title,
                       root=app.root), as_json)


@codebook.command("list")
@json_option
@pass_app
def list_(app: App, as_json: bool) -> None:
    """List the loaded codebooks and all their versions (#id is the version's number)."""
    from thematic.codebook import code_counts, list_codebooks

    store = app.store()
    counts = code_counts(store)
    rows = [{"id": b.id, "name": b.name, "version": b.version,
             "codes": counts.get(b.id, (0, 0))[0], "codable": counts.get(b.id, (0, 0))[1],
             "current": b.current, "hash": b.hash[:12], "loaded_at": b.loaded_at,
             "source": b.source_path} for b in list_codebooks(store)]
    if not as_json:
        for row in rows:
            row["id"] = f"#{row['id']}"
            row["current"] = "yes" if row["current"] else ""
    emit(rows, ["id", "name", "version", "codes", "codable", "current", "loaded_at",
                "source"], as_json=as_json, empty="No codebook loaded yet. Load one with "
         "`thematic codebook load FILE`.")


@codebook.command("show")
@click.argument("ref", metavar="[CODEBOOK]", required=False)
@click.option("--tree", is_flag=True, help="Draw the hierarchy of codes.")
@json_option
@pass_app
def show(app: App, ref: str | None, tree: bool, as_json: bool) -> None:
    """Show a loaded codebook's codes. CODEBOOK is a name (its current version), NAME@ID
    or #ID (a version from `thematic codebook list`); default: the last loaded."""
    from thematic.codebook import flagged, get, stored_doc

    store = app.store()
    book = get(store, ref)
    doc = stored_doc(store, book.id)
    flags = flagged(store, book.name) if book.current else []
    if as_json:
        emit([], as_json=True, document={
            "codebook": {"id": book.id, "name": book.name, "version": book.version,
                         "hash": book.hash, "title": book.title, "metadata": book.metadata,
                         "current": book.current, "loaded_at": book.loaded_at,
                         "source": book.source_path},
            "codes": doc.codes, "flagged": [vars(f) for f in flags]})
        return
    state = "current" if book.current else "not current"
    click.echo(f"{book.name} {book.version} (version #{book.id}, {state}): "
               f"{book.title or ''} — {plural(len(doc.codes), 'code')}")
    if tree:
        _tree(doc)
    else:
        rows = [{"id": c["id"], "name": c["name"], "parent": c.get("parent", ""),
                 "codable": "" if c.get("codable", True) else "no",
                 "cfir": ", ".join(c.get("cfir", []))} for c in doc.codes]
        emit(rows, ["id", "name", "parent", "codable", "cfir"], as_json=False)
    if flags:
        total = sum(f.codings for f in flags)
        click.echo(f"Flagged: {plural(total, 'coding')} of earlier versions use codes that were "
                   "removed, renamed or changed:")
        for f in flags:
            click.echo(f"  {f.code_id} (version #{f.codebook_id}, {f.reason}): "
                       f"{plural(f.codings, 'coding')}")


def _tree(doc) -> None:
    kids = doc.children()

    def draw(code: dict, prefix: str, last: bool, depth: int, seen: set) -> None:
        if code["id"] in seen:
            return
        seen.add(code["id"])
        branch = "" if depth == 0 else ("└── " if last else "├── ")
        mark = "" if code.get("codable", True) else "  (grouping)"
        click.echo(f"{prefix}{branch}{code['id']}  {code['name']}{mark}")
        children = kids.get(code["id"], [])
        inner = prefix if depth == 0 else prefix + ("    " if last else "│   ")
        for i, child in enumerate(children):
            draw(child, inner, i == len(children) - 1, depth + 1, seen)

    seen: set = set()
    for root in kids.get(None, []):
        draw(root, "", True, 0, seen)


@codebook.command("diff")
@click.argument("a")
@click.argument("b")
@json_option
@pass_app
def diff_(app: App, a: str, b: str, as_json: bool) -> None:
    """Compare two codebooks. A and B are files, or loaded codebooks (NAME, NAME@ID, #ID)."""
    from thematic.codebook import diff, resolve

    store = _maybe_store(app)
    result = diff(resolve(store, a), resolve(store, b), old_label=a, new_label=b)
    if as_json:
        emit([], as_json=True, document=result.as_dict())
        return
    if result.empty:
        click.echo(f"No differences between {a} and {b}.")
        return
    click.echo(f"{a} → {b}:")
    rows = []
    if result.added:
        rows.append({"change": "added", "codes": ", ".join(result.added)})
    if result.removed:
        rows.append({"change": "removed", "codes": ", ".join(result.removed)})
    for r in result.renamed:
        rows.append({"change": "renamed", "codes": f"{r.old} → {r.new}"})
    for c in result.changed:
        rows.append({"change": "changed", "codes": f"{c.id}: {', '.join(c.fields)}"})
    if result.metadata:
        rows.append({"change": "metadata", "codes": ", ".join(result.metadata)})
    for row in rows:
        click.echo(f"  {row['change']:<10}{row['codes']}")


@codebook.command("export")
@click.argument("ref", metavar="[CODEBOOK]", required=False)
@click.option("--format", "fmt", type=FORMATS, default="yaml", show_default=True,
              help="yaml (the loadable format), csv (one row per code), md (a Markdown "
                   "table to use as a codebook appendix in a paper) or qdc (REFI-QDA, for "
                   "NVivo, ATLAS.ti, MAXQDA, QualCoder).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (default: "
              "standard output).")
@pass_app
def export(app: App, ref: str | None, fmt: str, out: str | None) -> None:
    """Export a loaded codebook (default: the last loaded) as YAML, CSV or Markdown."""
    from thematic.codebook import get
    from thematic.files import atomic_write

    store = app.store()
    book = get(store, ref)
    text = EXPORTERS.get(fmt).write(store, book.id)
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    atomic_write(out, text)
    click.echo(f"Wrote {out} ({book.name} {book.version}, {fmt}).")
