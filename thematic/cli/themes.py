"""``thematic theme add|accept|rename|edit|merge|split|remove|list|show``."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, non_negative, pass_app
from thematic.words import plural

LEVEL = click.Choice(["descriptive", "analytical"])


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip() for c in value.replace(";", ",").split(",") if c.strip()]


def _summary(store, theme) -> str:
    from thematic.corpus.design import source_unit
    from thematic.themes import evidence

    found = evidence(store, theme.id)
    codes = ", ".join(theme.codes) or "none"
    extra = f"; topic {theme.topic} of run {theme.run_id}" if theme.run_id is not None else ""
    return (f"{theme.id} {theme.name!r} ({theme.level}; codes: {codes}{extra}): "
            f"{plural(len(found.excerpts), 'excerpt')} from "
            f"{plural(len(found.studies), *source_unit(store))}")


@click.group()
def theme() -> None:
    """Themes: groupings of codes (descriptive) and higher-order themes (analytical).

    A theme's evidence is recomputed every time from the ACCEPTED codings of its codes,
    the members of topics it was accepted from, and its child themes.
    """


@theme.command("add")
@click.argument("name")
@click.option("--codes", required=True, help="Code ids, comma-separated (e.g. hope,empowerment).")
@click.option("--description", default="", help="What the theme means.")
@click.option("--parent", help="The theme this one sits beneath.")
@click.option("--level", type=LEVEL, default="descriptive", show_default=True)
@click.option("--codebook", help="The codebook the codes belong to (default: the current one).")
@pass_app
def add(app: App, name: str, codes: str, description: str, parent: str | None, level: str,
        codebook: str | None) -> None:
    """Add a theme NAME grouping codes."""
    from thematic.themes import add_theme

    store = app.store()
    made = add_theme(store, name, _codes(codes) or [], description=description, level=level,
                     parent=parent, codebook=codebook)
    click.echo(f"Added theme {_summary(store, made)}")


@theme.command("accept")
@click.argument("topic", type=int)
@click.option("--run", "run_id", type=int, help="The topic run (default: the latest).")
@click.option("--name", help="The theme's name (default: the topic's suggested label).")
@click.option("--codes", help="Code ids for the theme (default: the codes its label came from).")
@click.option("--description", default="", help="What the theme means.")
@click.option("--parent", help="The theme this one sits beneath.")
@click.option("--level", type=LEVEL, default="descriptive", show_default=True)
@pass_app
def accept_(app: App, topic: int, run_id: int | None, name: str | None, codes: str | None,
            description: str, parent: str | None, level: str) -> None:
    """Make topic candidate TOPIC (see `thematic topics list`) a theme."""
    from thematic.themes import accept

    store = app.store()
    made = accept(store, topic, run=run_id, name=name, codes=_codes(codes),
                  description=description, level=level, parent=parent)
    click.echo(f"Accepted topic {topic} as theme {_summary(store, made)}")


@theme.command("rename")
@click.argument("theme_id", metavar="THEME")
@click.argument("name")
@pass_app
def rename_(app: App, theme_id: str, name: str) -> None:
    """Give THEME a new NAME (its id stays, so references stay valid)."""
    from thematic.themes import get_theme, rename

    store = app.store()
    old = get_theme(store, theme_id).name
    new = rename(store, theme_id, name)
    click.echo(f"Renamed theme {new.id}: {old!r} -> {new.name!r}")


@theme.command("edit")
@click.argument("theme_id", metavar="THEME")
@click.option("--description", help="A new description.")
@click.option("--level", type=LEVEL)
@click.option("--parent", help="Move the theme beneath this theme.")
@click.option("--no-parent", is_flag=True, help="Make it a top-level theme.")
@click.option("--add-codes", help="Code ids to add, comma-separated.")
@click.option("--remove-codes", help="Code ids to remove, comma-separated.")
@pass_app
def edit_(app: App, theme_id: str, description: str | None, level: str | None,
          parent: str | None, no_parent: bool, add_codes: str | None,
          remove_codes: str | None) -> None:
    """Change THEME's description, level, parent or codes."""
    from thematic.themes import edit

    store = app.store()
    changed = edit(store, theme_id, description=description, level=level, parent=parent,
                   clear_parent=no_parent, add_codes=_codes(add_codes),
                   remove_codes=_codes(remove_codes))
    click.echo(f"Changed theme {_summary(store, changed)}")


@theme.command("merge")
@click.argument("themes", nargs=-1, required=True, metavar="THEME...")
@click.option("--into", "into", required=True, help="The theme that absorbs them.")
@click.option("--name", help="A new name for the merged theme.")
@pass_app
def merge_(app: App, themes: tuple[str, ...], into: str, name: str | None) -> None:
    """Merge THEME(s) into another theme (codes, topics and child themes move over)."""
    from thematic.themes import merge

    store = app.store()
    merged = merge(store, list(themes), into, name=name)
    click.echo(f"Merged {', '.join(themes)} into theme {_summary(store, merged)}")


@theme.command("split")
@click.argument("theme_id", metavar="THEME")
@click.option("--into", "parts", multiple=True, required=True, metavar="'NAME=CODES'",
              help="A new theme and the codes it takes, e.g. 'Role clarity=role-clarity'. "
                   "Repeat for each part.")
@pass_app
def split_(app: App, theme_id: str, parts: tuple[str, ...]) -> None:
    """Split THEME: each --into part becomes a theme with some of its codes."""
    from thematic.errors import ThematicError
    from thematic.themes import get_theme, split

    store = app.store()
    parsed = []
    for part in parts:
        name, sep, codes = part.rpartition("=")
        if not sep or not name.strip():
            raise ThematicError("E257", option="--into", problem=f"{part!r} is not "
                                "'Name=code1,code2'.")
        parsed.append((name.strip(), _codes(codes) or []))
    original = get_theme(store, theme_id).id
    made = split(store, theme_id, parsed)
    for new in made:
        click.echo(f"Split from {original}: theme {_summary(store, new)}")
    from thematic.themes import list_themes

    if original not in {t.id for t in list_themes(store)}:
        click.echo(f"Removed theme {original} (all its codes moved to the new themes)")


@theme.command("remove")
@click.argument("theme_id", metavar="THEME")
@pass_app
def remove_(app: App, theme_id: str) -> None:
    """Remove THEME (its codings are untouched; child themes move up)."""
    from thematic.themes import remove

    gone = remove(app.store(), theme_id)
    click.echo(f"Removed theme {gone.id} {gone.name!r}")


@theme.command("list")
@json_option
@pass_app
def list_(app: App, as_json: bool) -> None:
    """List the themes with their codes and how much evidence each has."""
    from thematic.themes import evidence, list_themes

    store = app.store()
    rows, docs = [], []
    for t in list_themes(store):
        ev = evidence(store, t.id)
        rows.append({"id": t.id, "name": t.name, "level": t.level, "parent": t.parent_id,
                     "codes": t.codes, "excerpts": len(ev.excerpts),
                     "studies": len(ev.studies)})
        docs.append({**asdict(t), "excerpts": len(ev.excerpts), "studies": len(ev.studies)})
    emit(rows, ["id", "name", "level", "parent", "codes", "excerpts", "studies"],
         as_json=as_json, document=docs, empty="(no themes yet: `thematic theme add` or "
         "`thematic theme accept`)")


@theme.command("show")
@click.argument("theme_id", metavar="THEME")
@click.option("--limit", type=int, default=10, show_default=True, callback=non_negative,
              help="Excerpts to print (0 = all).")
@json_option
@pass_app
def show(app: App, theme_id: str, limit: int, as_json: bool) -> None:
    """Show THEME: its codes, topics, child themes and evidence."""
    from thematic.corpus import list_excerpts
    from thematic.corpus.design import source_unit
    from thematic.themes import evidence, get_theme

    store = app.store()
    t = get_theme(store, theme_id)
    ev = evidence(store, t.id)
    if as_json:
        emit([], as_json=True, document={**asdict(t), "evidence": asdict(ev)})
        return
    click.echo(f"{t.id}: {t.name}")
    click.echo(f"  level: {t.level}" + (f"; parent: {t.parent_id}" if t.parent_id else ""))
    if t.description:
        click.echo(f"  description: {t.description}")
    codebook = f" ({t.codebook})" if t.codebook else ""
    click.echo(f"  codes{codebook}: " + (", ".join(
        f"{c} [{len(ev.by_code.get(c, []))}]" for c in t.codes) or "none"))
    if t.topics:
        click.echo("  topics: " + ", ".join(f"run {r} topic {n}" for r, n in t.topics)
                   + f" [{plural(len(ev.topic_members), 'member')}]")
    if ev.children:
        click.echo(f"  includes themes: {', '.join(ev.children)}")
    click.echo(f"  evidence: {plural(len(ev.excerpts), 'excerpt')} from "
               f"{plural(len(ev.studies), *source_unit(store))}: {', '.join(ev.studies) or '-'}")
    shown = ev.excerpts if not limit else ev.excerpts[:limit]
    if shown:
        click.echo("")
        rows = [{"excerpt": e.id, "study": e.source_id, "text": e.text}
                for e in list_excerpts(store, ids=shown)]
        emit(rows, ["excerpt", "study", "text"], as_json=False)
        if len(shown) < len(ev.excerpts):
            click.echo(f"... and {len(ev.excerpts) - len(shown)} more (--limit 0 shows all)")
