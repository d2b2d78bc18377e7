"""``thematic agree``: inter-coder agreement, disagreements, reconciliation."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, non_negative, resamples
from thematic.words import plural

SELECTION = (
    click.option("--coders", help="Coders to compare, comma-separated (default: every human "
                                  "coder — not 'auto:…' or reconciled ones)."),
    click.option("--codes", multiple=True, help="Codes to measure (theme ids with --level "
                                                "theme), comma-separated or repeated "
                                                "(default: all)."),
    click.option("--level", type=click.Choice(["code", "theme"]), default=None,
                 help="Measure codes (default) or themes (a theme is present when any of "
                      "its codes is)."),
    click.option("--codebook", help="Codebook name (default: the one loaded last)."),
)


def selection(f):
    for option in reversed(SELECTION):
        f = option(f)
    return f


def _chosen(ctx: click.Context, coders=None, codes=(), level=None, codebook=None):
    """The selection given to the sub-command, else to ``agree`` itself."""
    from thematic.agreement.units import parse_list

    outer = ctx.find_root().meta.get("thematic.agree", {})
    coders = coders or outer.get("coders")
    codes = codes or outer.get("codes")
    return (parse_list(coders), parse_list(codes), level or outer.get("level") or "code",
            codebook or outer.get("codebook"))


@click.group(invoke_without_command=True)
@selection
@click.option("--boot", type=int, default=1000, show_default=True, callback=resamples,
              help="Bootstrap resamples for the alpha and kappa intervals (0: none).")
@click.option("--seed", type=int, default=0, show_default=True, callback=non_negative,
              help="Seed of the bootstrap.")
@json_option
@click.pass_context
def agree(ctx: click.Context, coders, codes, level, codebook, boot: int, seed: int,
          as_json: bool) -> None:
    """Measure inter-coder agreement per code: Krippendorff's alpha, Cohen's kappa (two
    coders) or Fleiss' kappa (more), Gwet's AC1 and percent agreement, with bootstrap
    intervals and interpretation bands; pooled and mean over codes.

    Each code is a present/absent decision per excerpt and coder, over the excerpts all
    the compared coders reviewed. Figures that are undefined (every coder used one
    category) are shown as undefined with the reason.
    """
    ctx.find_root().meta["thematic.agree"] = dict(coders=coders, codes=codes, level=level,
                                                  codebook=codebook)
    if ctx.invoked_subcommand is not None:
        return
    from thematic.agreement.summary import measure

    app: App = ctx.obj
    coders, codes, level, codebook = _chosen(ctx, coders, codes, level, codebook)
    report = measure(app.store(), coders, codes, level, seed, codebook=codebook,
                     n_boot=boot)
    from thematic.coding.assign import unblind_if_complete

    _, note = unblind_if_complete(app.store(), report.coders)
    if as_json:
        emit([], as_json=True, document=report.to_dict())
        return
    _print_report(report)
    if note:
        click.echo("")
        click.echo(note)


def _value(figure, percent: bool = False) -> str:
    if not figure.defined:
        return "undefined"
    text = f"{figure.value:.1%}" if percent else f"{figure.value:.3f}"
    if figure.ci is not None and figure.ci.defined:
        text += f" [{figure.ci.low:.3f}, {figure.ci.high:.3f}]"
    return text


def _row(statistics: list, head: dict, label: str, f: dict, units: str, counts: str
         ) -> dict:
    row = {head["item"]: label, "n": units, "yes/mixed/no": counts}
    for s in statistics:
        row[head[s.key]] = _value(f[s.key], percent=s.percent)
        if s.band is not None:
            row[f"{s.short} band"] = f[s.key].band
    return row


def _counts(c: dict, n: int) -> tuple[str, str]:
    return str(n), f"{c['present_by_all']}/{c['mixed']}/{c['absent_by_all']}"


def _print_report(report) -> None:
    from thematic.agreement.registry import statistics

    m = len(report.coders)
    shown = statistics(m)
    ci = f" [{report.ci_level:.0%} CI]" if report.n_boot else ""
    head = {"item": report.level,
            **{s.key: s.column_for(m) + (ci if s.interval else "") for s in shown}}
    click.echo(f"Agreement of {', '.join(report.coders)} on codebook {report.codebook} "
               f"(version {report.version}), by {report.level}: "
               f"{plural(report.n_excerpts, 'excerpt')} "
               f"reviewed by all ({', '.join(f'{c} {n}' for c, n in report.reviewed.items())})")
    click.echo("")
    rows = [_row(shown, head, item.id, item.figures, *_counts(item.counts, item.n_units))
            for item in report.items]
    pooled = report.pooled
    rows.append(_row(shown, head, "(pooled)", pooled.figures,
                     *_counts(pooled.counts, pooled.counts["decisions"])))
    rows.append(_row(shown, head, "(mean)", report.mean, "", ""))
    emit(rows, as_json=False)
    click.echo("")
    levels = ", ".join(f"{k} {f.value:.3f}" if f.defined else f"{k} undefined"
                       for k, f in report.alpha_by_level.items())
    click.echo(f"alpha of the pooled decisions by level of measurement: {levels} (equal for "
               "present/absent data)")
    reasons: dict[str, dict[str, list[str]]] = {}
    for item_id, key, reason in report.undefined:
        reasons.setdefault(reason, {}).setdefault(item_id, []).append(key)
    for reason, items in reasons.items():
        listed = "; ".join(f"{i} ({', '.join(keys)})" for i, keys in items.items())
        click.echo(f"undefined: {listed} — {reason}")
    _print_legend(report, shown)


def _print_legend(report, shown: list) -> None:
    """The footnotes: units, pooled and mean, each statistic's gloss, the intervals and the
    interpretation bands (statistics that share a band function share a line)."""
    d = report.definitions
    click.echo("")
    click.echo(f"units: {d['units']}")
    counted = "; ".join(
        f"{s.short} {report.mean[s.key].detail.get('n_codes_defined', 0)} of "
        f"{len(report.items)}" for s in shown if s.band is not None)
    click.echo(f"pooled: {d['pooled']}")
    click.echo(f"mean: {d['mean']} ({counted})")
    joined = "; ".join(s.gloss(d) for s in shown if s.gloss and not s.gloss_own_line)
    if joined:
        click.echo(joined)
    for s in shown:
        if s.gloss and s.gloss_own_line:
            click.echo(s.gloss(d))
    click.echo(f"intervals: {d['ci']}")
    bands: dict[object, list] = {}
    for s in shown:
        if s.band is not None:
            bands.setdefault(s.band, []).append(s)
    click.echo("bands: " + "; ".join(
        f"{' and '.join(s.short for s in group)} — {group[0].band_text}"
        for group in bands.values()))


@agree.command("disagreements")
@selection
@click.option("--out", type=click.Path(dir_okay=False),
              help="Also write the list as a CSV sheet with a 'decision' column to fill in "
                   "(yes/no) for `thematic agree reconcile --decisions`.")
@json_option
@click.pass_context
def disagreements_cmd(ctx: click.Context, coders, codes, level, codebook, out, as_json) -> None:
    """List each excerpt and code on which the coders differ, with the excerpt's text,
    ready for a reconciliation meeting."""
    from thematic.agreement.reconcile import disagreements, sheet

    app: App = ctx.obj
    coders, codes, level, codebook = _chosen(ctx, coders=coders, codes=codes, level=level,
                                             codebook=codebook)
    listing = disagreements(app.store(), coders, codes, level, codebook=codebook)
    if out:
        from thematic.files import atomic_write

        atomic_write(out, sheet(listing))
    if as_json:
        emit([], as_json=True, document=listing.to_dict())
        return
    excerpts = list(dict.fromkeys(r.excerpt for r in listing.rows))
    click.echo(f"{plural(len(listing.rows), 'disagreement')} on {len(excerpts)} of "
               f"{plural(listing.n_excerpts, 'excerpt')} reviewed by all of "
               f"{', '.join(listing.coders)} "
               f"(codebook {listing.codebook}, {listing.n_items} {level}s)")
    width = max((len(r.item) for r in listing.rows), default=0)
    current = None
    for r in listing.rows:
        if r.excerpt != current:
            current = r.excerpt
            click.echo("")
            click.echo(f"{r.excerpt}  {r.citation}  ({r.location})")
            click.echo(f"  {' '.join(r.text.split())}")
        click.echo(f"  - {r.item.ljust(width)}  yes: {', '.join(r.present)}; "
                   f"no: {', '.join(r.absent)}")
    if out:
        click.echo("")
        click.echo(f"Wrote the sheet to {out}: fill in 'decision' (yes/no) and run "
                   f"`thematic agree reconcile --decisions {out}`.")


@agree.command("reconcile")
@click.option("--coders", help="Coders whose agreed set to record, comma-separated "
                               "(default: every human coder).")
@click.option("--as", "as_coder", default="consensus", show_default=True,
              help="Name of the new coder that holds the agreed set.")
@click.option("--decisions", type=click.Path(dir_okay=False),
              help="The sheet from `agree disagreements --out`, with 'decision' filled in.")
@click.option("--rule", type=click.Choice(["unanimous", "majority", "union"]),
              default="unanimous", show_default=True,
              help="How disagreements without a decision are settled: the code is kept when "
                   "all coders, more than half, or any coder gave it.")
@click.option("--replace", is_flag=True, help="Replace an earlier reconciled set of the same "
                                              "coder.")
@click.option("--codebook", help="Codebook name (default: the one loaded last).")
@json_option
@click.pass_context
def reconcile_cmd(ctx: click.Context, coders, as_coder, decisions, rule, replace, codebook,
                  as_json) -> None:
    """Record the agreed set of codes as a new coder (e.g. 'consensus'); the original
    coders' codings are kept."""
    from thematic.agreement.reconcile import reconcile

    app: App = ctx.obj
    coders, _, _, codebook = _chosen(ctx, coders=coders, codebook=codebook)
    result = reconcile(app.store(), coders, as_coder=as_coder, rule=rule,
                       decisions=decisions, replace=replace, codebook=codebook)
    if as_json:
        emit([], as_json=True, document=asdict(result))
        return
    r = result
    click.echo(f"Recorded coder {r.coder}: {plural(r.codings, 'coding')} on "
               f"{plural(r.excerpts, 'excerpt')} "
               f"(codebook {r.codebook} version {r.version}) from {', '.join(r.coders)}"
               + (f", replacing "
                  f"{plural(r.replaced, 'earlier coding')}" if r.replaced else "") + ".")
    click.echo(f"  agreed by all coders: {r.agreed}")
    decided = (f"decided yes {r.decided_yes}, no {r.decided_no} ({r.decisions_file}); "
               if r.decisions_file else "")
    click.echo(f"  disagreements: {r.disagreements} — {decided}by the {r.rule} rule: "
               f"yes {r.by_rule_yes}, no {r.by_rule_no}")
    click.echo(f"The codings of {', '.join(r.coders)} are unchanged.")


@agree.command("ratings")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--scale", "scales", multiple=True,
              type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
              help="Level(s) of measurement for Krippendorff's alpha (repeatable; default: "
                   "all four for numbers, nominal for labels, plus ordinal with --order).")
@click.option("--order", help="The order of label ratings, comma-separated (makes them "
                              "ordinal), e.g. exclude,maybe,include.")
@click.option("--unit-column", help="The unit id column of a wide sheet (default: the first).")
@click.option("--missing", help="Cell values that also mean 'no rating', comma-separated and "
              "compared ignoring case, e.g. NA,N/A,.,*,nan (or 'common' for exactly those). "
              "By default only an empty cell is missing, so a label such as N/A is a "
              "category.")
@click.option("--boot", type=int, default=1000, show_default=True, callback=resamples,
              help="Bootstrap resamples for the alpha intervals (0: none).")
@click.option("--seed", type=int, default=0, show_default=True, callback=non_negative,
              help="Seed of the bootstrap.")
@json_option
def ratings_cmd(path, scales, order, unit_column, missing, boot, seed, as_json) -> None:
    """Agreement on ratings in a sheet (rating scales, screening decisions): one column per
    coder (or columns unit, coder, value); an empty cell is a missing rating (see
    --missing for NA and the like)."""
    from thematic.agreement.ratings import COMMON_MISSING, measure_ratings, read_ratings
    from thematic.agreement.registry import statistics
    from thematic.agreement.units import parse_list

    tokens = (COMMON_MISSING if (missing or "").strip().lower() == "common"
              else (missing or "").split(","))
    found = read_ratings(path, unit_column=unit_column, order=parse_list(order),
                         missing=tokens)
    if not scales:
        scales = (("nominal", "ordinal", "interval", "ratio") if found.numeric
                  else ("nominal", "ordinal") if found.order else ("nominal",))
    report = measure_ratings(found, scales, seed=seed, n_boot=boot)
    if as_json:
        emit([], as_json=True, document=report.to_dict())
        return
    click.echo(f"Ratings of {', '.join(report.coders)} on "
               f"{plural(report.n_units, 'unit')} ({path})")
    click.echo("")
    ci = " [95% CI]" if boot else ""
    percent = {s.key: s.percent for s in statistics()}
    rows = [{"statistic": f.name, f"value{ci}": _value(f, percent=percent.get(k, False)),
             "units": f.n_units if f.defined else "", "interpretation": f.band or ""}
            for k, f in [*(("alpha", f) for f in report.alpha.values()),
                         *report.others.items()]]
    emit(rows, as_json=False)
    undefined = [f for f in [*report.alpha.values(), *report.others.values()]
                 if not f.defined]
    if undefined:
        click.echo("")
    for f in undefined:
        click.echo(f"undefined: {f.name} — {f.reason}")
    click.echo("")
    click.echo("units: units with ratings from at least two coders; "
               f"{report.notes['nominal statistics']}")
    click.echo(f"percent agreement, {report.notes['percent_pairwise']}")
    click.echo(f"percent agreement, {report.notes['percent_all']}")
    if boot:
        click.echo(f"intervals: 95% percentile bootstrap over units, {plural(boot, 'resample')}, "
                   f"seed {seed}")
