"""``thematic finding|appraise|cerqual|screening``: review findings and confidence in them."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, emit, json_option, pass_app
from thematic.words import plural


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.replace(";", ",").split(",")
            if v.strip()]


# --- finding ----------------------------------------------------------------------------

@click.group()
def finding() -> None:
    """Review findings: statements resting on themes (and codes), F1, F2, …

    A finding's evidence is recomputed every time from its themes' evidence and its own
    codes' accepted codings, as themes' evidence is.
    """


@finding.command("add")
@click.argument("statement")
@click.option("--theme", "themes", multiple=True, help="A theme the finding rests on (id or "
              "name; repeat or comma-separate). At least one.")
@click.option("--code", "codes", multiple=True, help="A code the finding also rests on.")
@click.option("--codebook", help="The codebook of --code (default: the current one).")
@pass_app
def add(app: App, statement: str, themes: tuple[str, ...], codes: tuple[str, ...],
        codebook: str | None) -> None:
    """Add a review finding STATEMENT resting on --theme THEME."""
    from thematic.corpus.design import source_unit
    from thematic.findings import add_finding, evidence

    store = app.store()
    made = add_finding(store, statement, _split(themes), _split(codes), codebook=codebook)
    ev = evidence(store, made)
    click.echo(f"Added finding {made.id} (themes: {', '.join(made.themes)}): "
               f"{plural(len(ev.excerpts), 'excerpt')} from "
               f"{plural(len(ev.studies), *source_unit(store))}")


@finding.command("list")
@json_option
@pass_app
def list_(app: App, as_json: bool) -> None:
    """List the findings with their themes and evidence."""
    from thematic.errors import ThematicError
    from thematic.findings import evidence, list_findings

    store = app.store()
    rows: list[dict[str, object]] = []
    docs: list[dict[str, object]] = []
    for f in list_findings(store):
        try:
            ev = evidence(store, f)
        except ThematicError as exc:
            # one finding whose theme was removed must not hide the others (audit flags it)
            rows.append({"id": f.id, "statement": f.statement, "themes": f.themes,
                         "studies": f"[{exc.code}]", "excerpts": ""})
            docs.append({**asdict(f), "studies": None, "excerpts": None, "error": exc.message})
            continue
        rows.append({"id": f.id, "statement": f.statement, "themes": f.themes,
                     "studies": len(ev.studies), "excerpts": len(ev.excerpts)})
        docs.append({**asdict(f), "studies": ev.studies, "excerpts": len(ev.excerpts)})
    emit(rows, ["id", "statement", "themes", "studies", "excerpts"], as_json=as_json,
         document=docs, empty="(no findings yet: `thematic finding add STATEMENT --theme T`)")


@finding.command("show")
@click.argument("finding_id", metavar="FINDING")
@click.option("--chain", "full", is_flag=True, help="Print each theme's whole chain (codes "
              "→ excerpts → studies, as `thematic trace THEME` does).")
@json_option
@pass_app
def show(app: App, finding_id: str, full: bool, as_json: bool) -> None:
    """Show FINDING: its themes and codes, and the evidence they give it."""
    from thematic.corpus.design import source_unit
    from thematic.findings import evidence, get_finding

    store = app.store()
    f = get_finding(store, finding_id)
    ev = evidence(store, f)
    if as_json:
        emit([], as_json=True, document={**asdict(f), "evidence": asdict(ev)})
        return
    click.echo(f"{f.id}: {f.statement}")
    for theme_id in f.themes:
        ids = ev.by_theme.get(theme_id, [])
        click.echo(f"  theme {theme_id}: {plural(len(ids), 'excerpt')}")
    for book, code in f.codes:
        click.echo(f"  code {book}:{code}: {plural(len(ev.by_code.get(code, [])), 'excerpt')}")
    click.echo(f"  evidence: {plural(len(ev.excerpts), 'excerpt')} from "
               f"{plural(len(ev.studies), *source_unit(store))}: {', '.join(ev.studies) or '-'}")
    if full:
        from thematic.trace import chain, to_text

        for theme_id in f.themes:
            click.echo("\n".join("  " + line for line in
                                  to_text(chain(store, theme_id)).splitlines()))


@finding.command("remove")
@click.argument("finding_id", metavar="FINDING")
@pass_app
def remove(app: App, finding_id: str) -> None:
    """Remove FINDING and its CERQual judgements (the event log keeps them)."""
    from thematic.findings import remove_finding

    gone = remove_finding(app.store(), finding_id)
    click.echo(f"Removed finding {gone.id}: {gone.statement}")


# --- appraise ---------------------------------------------------------------------------

@click.group()
def appraise() -> None:
    """Study appraisal (CASP, JBI, MMAT …): items and an overall rating per study."""


@appraise.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@pass_app
def appraise_import(app: App, path: str) -> None:
    """Import an appraisal sheet: columns study, overall (no or very minor / minor /
    moderate / serious limitations), optional tool, and any item columns."""
    from thematic.findings.appraisal import import_appraisal

    done = import_appraisal(app.store(), path, root=app.root)
    ratings = ", ".join(f"{n} {r}" for r, n in done.ratings.items()) or "none"
    click.echo(f"Appraisal from {done.path}: {plural(done.added, 'study')} added, {done.changed} "
               f"changed ({ratings})")


@appraise.command("list")
@json_option
@pass_app
def appraise_list(app: App, as_json: bool) -> None:
    """List the studies' appraisal ratings."""
    from thematic.findings.appraisal import list_appraisals

    found = list_appraisals(app.store())
    rows = [{"study": a.source_id, "tool": a.tool, "rating": a.rating, "items": len(a.items)}
            for a in found.values()]
    emit(rows, ["study", "tool", "rating", "items"], as_json=as_json,
         document=[asdict(a) for a in found.values()],
         empty="(no study appraised yet: `thematic appraise import FILE`)")


# --- cerqual ----------------------------------------------------------------------------

@click.group(invoke_without_command=True)
@click.option("--finding", "finding_id", help="Show one finding only.")
@json_option
@click.pass_context
def cerqual(ctx: click.Context, finding_id: str | None, as_json: bool) -> None:
    """GRADE-CERQual evidence profiles: the evidence per component, computed; judgements
    (`cerqual set`) are the reviewer's."""
    if ctx.invoked_subcommand is not None:
        return
    from thematic.findings import cerqual as cq

    app: App = ctx.obj
    store = app.store()
    found = [cq.profile(store, finding_id)] if finding_id else cq.profiles(store)
    if as_json:
        emit([], as_json=True, document={"rule": cq.PROPOSAL_RULE,
                                         "profiles": [p.to_dict() for p in found]})
        return
    if not found:
        click.echo("(no findings yet: `thematic finding add STATEMENT --theme T`)")
        return
    for p in found:
        _print_profile(p)
    click.echo("Note: " + cq.PROPOSAL_RULE)


def _print_profile(p) -> None:
    click.echo(f"{p.finding.id}: {p.finding.statement}")
    click.echo(f"  studies: {', '.join(p.studies) or '-'}")
    for c in [*p.components, p.overall]:
        if c.key != "overall":
            click.echo(f"  {c.name}: {c.summary}")
        if c.judgement:
            click.echo(f"    judged: {c.judgement} — {c.why} ({c.by}, {c.at})")
        elif c.key != "overall":
            click.echo("    judged: not yet (`thematic cerqual set "
                       f"{p.finding.id} --{c.key} ... --why ...`)")
    overall = p.overall.judgement or "not yet judged"
    click.echo(f"  Overall confidence: {overall}"
               + (f" — {p.overall.why} ({p.overall.by}, {p.overall.at})"
                  if p.overall.judgement else ""))
    proposal = p.proposal or "none"
    click.echo(f"    thematic proposes: {proposal} ({p.proposal_note})")
    for flag in p.flags:
        click.echo(f"    flag: {flag}")
    click.echo("")


@cerqual.command("set")
@click.argument("finding_id", metavar="FINDING")
@click.option("--limitations", help="Methodological limitations: no or very minor / minor / "
              "moderate / serious concerns.")
@click.option("--coherence", help="Coherence, on the same scale.")
@click.option("--adequacy", help="Adequacy, on the same scale.")
@click.option("--relevance", help="Relevance, on the same scale.")
@click.option("--overall", help="Overall confidence: high / moderate / low / very low.")
@click.option("--why", help="The explanation (required).")
@pass_app
def cerqual_set(app: App, finding_id: str, limitations: str | None, coherence: str | None,
                adequacy: str | None, relevance: str | None, overall: str | None,
                why: str | None) -> None:
    """Record the reviewer's CERQual judgement(s) for FINDING, with who and when."""
    from thematic.findings import cerqual as cq

    p = cq.set_judgement(app.store(), finding_id, why=why or "", limitations=limitations,
                         coherence=coherence, adequacy=adequacy, relevance=relevance,
                         overall=overall)
    given = {"limitations": limitations, "coherence": coherence, "adequacy": adequacy,
             "relevance": relevance, "overall": overall}
    for c in [*p.components, p.overall]:
        if given.get(c.key) is not None:
            click.echo(f"Recorded {p.finding.id} {c.name.lower()}: {c.judgement} "
                       f"({c.by}, {c.at})")


@cerqual.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@pass_app
def cerqual_import(app: App, path: str) -> None:
    """Record judgements from a sheet: columns finding, component (limitations, coherence,
    adequacy, relevance, overall), judgement, why."""
    from thematic.findings import cerqual as cq

    done = cq.import_judgements(app.store(), path, root=app.root)
    click.echo(f"Recorded {plural(done, 'CERQual judgement')} from {path}")


@cerqual.command("scope")
@click.option("--population", help="Terms for the population in scope, ';'-separated.")
@click.option("--setting", help="Terms for the setting in scope.")
@click.option("--intervention-type", "intervention_type", help="Terms for the intervention.")
@click.option("--country", help="Countries in scope.")
@click.option("--design", help="Study designs in scope.")
@json_option
@pass_app
def cerqual_scope(app: App, as_json: bool, **terms: str | None) -> None:
    """Record (or show) the review question's scope that relevance is judged against."""
    from thematic.findings import cerqual as cq

    store = app.store()
    found = cq.set_scope(store, **terms) if any(v is not None for v in terms.values()) \
        else cq.scope(store)
    rows = [{"attribute": k, "terms": v} for k, v in sorted(found.items())]
    emit(rows, ["attribute", "terms"], as_json=as_json, document=found,
         empty="(no scope recorded: `thematic cerqual scope --population ...`)")


# --- screening --------------------------------------------------------------------------

@click.group()
def screening() -> None:
    """PRISMA 2020 screening counts: from a screening log or a counts file."""


@screening.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@pass_app
def screening_import(app: App, path: str) -> None:
    """Import a screening log (record, source, stage, decision, reason) or a counts file
    (item, count); the counts must add up."""
    from thematic.findings.prisma import import_screening

    found = import_screening(app.store(), path, root=app.root)
    c = found.counts
    origin = plural(found.records, 'record') if found.records else "counts"
    click.echo(f"Screening from {path} ({origin}): identified {_n(c['identified'])}, "
               f"screened {_n(c['screened'])}, assessed {_n(c['assessed'])}, "
               f"included {_n(c['included'])}")


def _n(value: int | None) -> str:
    return "not reported" if value is None else str(value)


@screening.command("show")
@json_option
@pass_app
def screening_show(app: App, as_json: bool) -> None:
    """The PRISMA 2020 flow as a table."""
    from thematic.findings.prisma import flow

    found = flow(app.store())
    rows = [{"phase": r["phase"], "item": r["item"], "n": _n(r["count"])}
            for r in found.table()]
    emit(rows, ["phase", "item", "n"], as_json=as_json,
         document={"counts": found.counts, "reasons": found.reasons,
                   "sources": found.sources, "records": found.records})
