"""``thematic assign`` (blind double coding) and ``thematic merge`` (copies of a project)."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, pass_app, warn
from thematic.coding import Status
from thematic.words import plural


@click.group(invoke_without_command=True)
@click.option("--coders", help="The coders, comma-separated (two or more), e.g. alice,bob.")
@click.option("--sample", default="20%", show_default=True, help="The double-coded "
              "sample every coder codes: a share (20% or 0.2) or a number of excerpts.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the draw: the same seed gives the same assignment.")
@click.option("--strata", help="Draw the sample within each value of this field (source, "
              "or an excerpt attribute such as section).")
@click.option("--no-blind", is_flag=True, help="Let coders see each other's decisions "
              "from the start.")
@json_option
@click.pass_context
def assign(ctx: click.Context, coders, sample, seed, strata, no_blind, as_json) -> None:
    """Assign excerpts to coders: a double-coded sample to every coder, the rest split
    between them. Coders are blind to each other's decisions in `thematic code review`
    until `thematic agree` has measured the complete double-coded sample."""
    if ctx.invoked_subcommand is not None:
        return
    from thematic.coding.assign import assign as run
    from thematic.errors import ThematicError

    if not coders:
        raise ThematicError("E531", value="", problem="no coders given")
    app: App = ctx.obj
    result = run(app.store(), coders.split(","), sample, seed=seed, strata=strata,
                 blind=not no_blind)
    if as_json:
        emit([], as_json=True, document=asdict(result))
        return
    within = f" within each {strata}" if strata else ""
    rest = ", ".join(f"{c} {len(v)}" for c, v in result.single.items())
    click.echo(f"Assignment {result.run_id}: {plural(result.excerpts, 'excerpt')}; "
               f"{len(result.double)} "
               f"double-coded by {', '.join(result.coders)} ({result.sample:.0%}{within}, seed "
               f"{result.seed}); the rest split: {rest}.")
    if result.blind:
        click.echo("Coders are blind to each other's decisions until `thematic agree` "
                   "measures the double-coded sample.")


@assign.command("status")
@click.option("--coder", help="Only this coder.")
@json_option
@pass_app
def assign_status(app: App, coder, as_json) -> None:
    """Progress of each coder on the assignment in force."""
    from thematic.coding.assign import current, progress

    rows = progress(app.store(), coder)
    run = current(app.store())
    assert run is not None  # progress() refused (E534) when there is none
    if as_json:
        emit([], as_json=True, document={"run": run.id, "blind": run.blinding,
                                         "coders": [asdict(r) for r in rows]})
        return
    state = "blind" if run.blinding else "unblinded" if run.blind else "not blind"
    click.echo(f"Assignment {run.id} ({state}):")
    emit([asdict(r) for r in rows], as_json=False)


@click.command()
@click.argument("other", type=click.Path())
@click.option("--coder-map", "coder_map", multiple=True, help="Rename a coder of OTHER: "
              "\"THEIR NAME=OUR NAME\" (repeatable, or comma-separated).")
@json_option
@pass_app
def merge(app: App, other, coder_map, as_json) -> None:
    """Merge another copy of this project (its folder), or a .qdpx file, into this one:
    coders, codings, reviews, memos, themes, assignments and events. Excerpts are matched
    by id and text, codes by id; work changed in both copies is listed as a conflict and
    kept apart, never overwritten. Merging the same copy again changes nothing."""
    from thematic.interop.merge import merge_project

    result = merge_project(app.store(), other, coder_map=list(coder_map), root=app.root)
    if as_json:
        emit([], as_json=True, document=asdict(result))
        return
    for message in result.warnings:
        warn(message)
    if result.unchanged:
        click.echo(f"{result.other}: nothing new to merge.")
    else:
        # the keys are plural table names (studies, codings ...): their singular for a 1
        added = ", ".join(plural(v, "study" if k == "studies" else k[:-1], k)
                          for k, v in result.added.items() if v) or "nothing"
        click.echo(f"{result.other}: merged {added}.")
    if result.conflicts:
        click.echo(f"{plural(len(result.conflicts), 'conflict')}, kept apart (see `thematic merge "
                   "OTHER --json` or the merge_conflicts table):")
        emit([{"kind": c["kind"], "key": c["key"], "ours": _side(c["kind"], c["ours"]),
               "theirs": _side(c["kind"], c["theirs"])} for c in result.conflicts],
             as_json=False)
    if result.stale:
        click.echo(f"{plural(len(result.stale), 'coding')} merged under another codebook version "
                   "are stale (their code differs in the current version):")
        emit(result.stale, as_json=False)


def _side(kind: str, value) -> str:
    """One side of a conflict in a few words."""
    if kind == "coding":
        return ", ".join(c["code"] + (f" {c['span'][0]}-{c['span'][1]}" if c["span"] else "")
                         + ("" if c["status"] == Status.ACCEPTED else f" ({c['status']})")
                         for c in value) or "reviewed, no code"
    if kind == "excerpt":
        text = " ".join(value["text"].split())
        return (text[:40] + "…" if len(text) > 40 else text) + (
            f" + {plural(len(value['codings']), 'coding')}" if value.get("codings") else "")
    return f"{value['name']} ({value['level']}) under {value['parent_id'] or '-'}: " + \
        ", ".join(value["codes"])
