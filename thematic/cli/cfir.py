"""``thematic cfir …``: the CFIR 2.0 view of the evidence, excerpt direction, construct
ratings per case, and the construct × case matrix."""

from __future__ import annotations

from collections.abc import Sequence

import click

from thematic.cli.common import App, emit, json_option, pass_app, warn
from thematic.words import plural


def _table(rows: Sequence[Sequence[object]], header: list[str]) -> None:
    """Left-aligned first column (kept indented), right-aligned figures."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(v).rjust(w) for v, w in zip(row[1:], widths[1:])]
        click.echo("  ".join(cells).rstrip())


@click.group(invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="List every construct, with evidence "
              "or not.")
@click.option("--codes/--no-codes", default=True, help="Show the codes under each construct.")
@json_option
@pass_app
@click.pass_context
def cfir(ctx: click.Context, app: App, show_all: bool, codes: bool, as_json: bool) -> None:
    """CFIR 2.0 domains → constructs → codes, with the studies and excerpts of accepted
    evidence, barriers and facilitators, and the rating the evidence suggests (net).

    Codes reach CFIR through their codebook's `cfir` crosswalk; codings made with the
    cfir2 codebook count directly. Sub-constructs roll up to their construct."""
    if ctx.invoked_subcommand is not None:
        return
    from thematic.cfir.view import build

    view = build(app.store(), empty=show_all)
    if as_json:
        emit([], as_json=True, document=view.to_dict())
        return
    rows = []
    for domain in view.domains:
        rows.append([domain.name, len(domain.studies), len(domain.excerpts), "", "", ""])
        for con in domain.constructs:
            rows.append([f"  {con.name} ({con.id})", len(con.studies), len(con.excerpts),
                         con.barriers, con.facilitators, con.net or ""])
            for link in con.codes if codes else []:
                rows.append([f"    {link.codebook}:{link.code}", len(link.studies),
                             len(link.excerpts), "", "", ""])
    _table(rows, ["CFIR domain / construct / code", "studies", "excerpts", "barriers",
                  "facilitators", "net"])
    click.echo(f"{plural(view.excerpts_with_evidence, 'excerpt')} with accepted evidence for "
               "a CFIR construct; net = the rating the evidence suggests (-2..+2, 0, X).")


@cfir.command("valence")
@click.argument("excerpt", required=False)
@click.argument("direction", required=False)
@click.option("--auto", "auto", is_flag=True, help="Read every excerpt with the cue-word rule "
              "(coder auto:valence), replacing its earlier reading.")
@click.option("--coder", help="Who decides (default: THEMATIC_USER, else your login name).")
@click.option("--why", help="Why (kept with the direction).")
@json_option
@pass_app
def valence(app: App, excerpt, direction, auto, coder, why, as_json) -> None:
    """Barrier or facilitator: set EXCERPT's DIRECTION (barrier, facilitator, mixed,
    neutral) as a person, read every excerpt with the rule (--auto), or list the
    directions in force (no arguments)."""
    from thematic.cfir import valence as lib
    from thematic.coding import actor

    store = app.store()
    if auto:
        counts = lib.apply_rule(store)
        if as_json:
            emit([], as_json=True, document=counts)
            return
        click.echo(f"Read {plural(sum(counts.values()), 'excerpt')} with the valence rule: "
                   f"{counts['barrier']} barrier, {counts['facilitator']} facilitator, "
                   f"{counts['mixed']} mixed, {counts['none']} without a cue.")
        return
    if excerpt is not None:
        if direction is None:
            raise click.UsageError("Give a DIRECTION after the excerpt: barrier, "
                                   "facilitator, mixed or neutral.")
        who = coder or actor()
        lib.set_direction(store, excerpt, direction, coder=who, why=why)
        click.echo(f"{excerpt}: {direction.strip().lower()} (coder {who}).")
        return
    found = lib.directions(store)
    rows = [{"excerpt": e, "direction": d, "by": who} for e, (d, who) in found.items()]
    emit(rows, ["excerpt", "direction", "by"], as_json=as_json, empty="(no directions yet: "
         "run `thematic cfir valence --auto`, or set one by hand)")


@cfir.command("rate")
@click.option("--case", help="The case (a study id).")
@click.option("--construct", help="A CFIR 2.0 construct id, e.g. inner-setting.culture.")
@click.option("--rating", help="-2, -1, 0, +1, +2 or X (mixed).")
@click.option("--why", help="The evidence behind the rating (required when rating).")
@click.option("--rater", help="Who rates (default: THEMATIC_USER, else your login name).")
@click.option("--suggest", is_flag=True, help="Propose ratings from the coded evidence; "
              "nothing is recorded.")
@json_option
@pass_app
def rate(app: App, case, construct, rating, why, rater, suggest, as_json) -> None:
    """Record a construct's rating in a case (who, when and why are kept and logged), or
    with --suggest list the ratings the evidence suggests for you to record."""
    from thematic.cfir import ratings as lib
    from thematic.coding import actor

    store = app.store()
    if suggest:
        found = lib.suggest(store, case=case, construct=construct)
        rows = [{"case": s.case, "construct": s.construct, "suggested": s.suggested,
                 "barriers": s.barriers, "facilitators": s.facilitators,
                 "excerpts": len(s.excerpts), "rated": s.rated or ""} for s in found]
        emit(rows, as_json=as_json, document={"rule": lib.SUGGEST_RULE,
                                              "suggestions": [vars(s) for s in found]},
             empty="(no coded evidence for any CFIR construct)")
        if not as_json and rows:
            click.echo("Suggestions only: record one with `thematic cfir rate --case ID "
                       "--construct ID --rating R --why \"…\"`.")
        return
    missing = [name for name, value in (("--case", case), ("--construct", construct),
                                        ("--rating", rating)) if value is None]
    if missing:
        raise click.UsageError(f"Give {', '.join(missing)} (or --suggest).")
    done = lib.rate(store, case=case, construct=construct, rating=rating, why=why or "",
                    rater=rater or actor())
    if done.warning:
        warn(done.warning)
    if as_json:
        emit([], as_json=True, document=done.to_dict())
        return
    evidence = f"{plural(done.evidence, 'excerpt')} of coded evidence" if done.evidence else \
        "no coded evidence"
    was = f"; was {done.previous}" if done.previous else ""
    click.echo(f"Rated {done.construct} in case {done.case}: {done.rating} "
               f"(by {done.rater}; {evidence}{was}).")


@cfir.command("ratings")
@click.option("--history", is_flag=True, help="Every rating ever recorded, not just those "
              "in force.")
@json_option
@pass_app
def ratings(app: App, history: bool, as_json: bool) -> None:
    """The recorded construct ratings (newest per case and construct)."""
    from dataclasses import asdict

    from thematic.cfir.ratings import recorded

    found = recorded(app.store(), history=history)
    rows = [{"case": r.case_id, "construct": r.construct, "rating": r.rating,
             "rater": r.rater, "when": r.created_at,
             "evidence": r.evidence or "no coded evidence", "why": r.why} for r in found]
    emit(rows, as_json=as_json, document=[asdict(r) for r in found],
         empty="(no ratings recorded)")


@cfir.command("matrix")
@click.option("--by", "by", help="Group the cases by this study attribute (e.g. an "
              "implementation outcome); default: the one set with `thematic cfir outcome`.")
@click.option("--high", help="The attribute value of high-implementation cases.")
@click.option("--low", help="The attribute value of low-implementation cases.")
@json_option
@pass_app
def matrix(app: App, by, high, low, as_json) -> None:
    """The construct × case matrix: recorded ratings, else (in brackets) the rating the
    evidence suggests; with an outcome attribute, the constructs that distinguish high
    from low implementation cases."""
    from thematic.cfir.matrix import DISTINGUISH_RULE, build, cell_text, outcome_attribute

    store = app.store()
    found = build(store, by=by or outcome_attribute(store), high=high, low=low)
    if as_json:
        emit([], as_json=True, document=found.to_dict())
        return
    if not found.rows:
        click.echo("(no coded evidence or rating for any CFIR construct)")
        return
    if found.by:
        click.echo("Cases by " + found.by + ": " + "; ".join(
            f"{value} ({', '.join(cases)})" for value, cases in found.groups))
    header = ["construct", *found.cases] + (["distinguishes"] if found.high else [])
    rows = []
    for row in found.rows:
        cells = []
        for case in found.cases:
            cell = row.cells.get(case)
            cells.append(cell_text(cell))
        extra = [row.distinguishes or ""] if found.high else []
        rows.append([row.construct, *cells, *extra])
    _table(rows, header)
    click.echo("(r) = suggested from the evidence, not yet rated by a person; † = rated "
               "without coded evidence.")
    if found.high:
        click.echo(f"High: {found.high}; low: {found.low}; {DISTINGUISH_RULE}.")
    elif found.note:
        click.echo(found.note)


@cfir.command("outcome")
@click.argument("attribute", required=False)
@click.option("--clear", is_flag=True, help="Stop grouping the report's matrix.")
@pass_app
def outcome(app: App, attribute, clear) -> None:
    """Set the study attribute (an implementation outcome) that groups the report's CFIR
    matrix; without arguments, show it."""
    from thematic.cfir.matrix import outcome_attribute, set_outcome_attribute

    store = app.store()
    if clear:
        set_outcome_attribute(store, None)
        click.echo("The CFIR matrix is no longer grouped.")
    elif attribute:
        set_outcome_attribute(store, attribute)
        click.echo(f"The CFIR matrix groups cases by {attribute}.")
    else:
        click.echo(outcome_attribute(store) or "(not set)")
