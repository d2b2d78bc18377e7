"""``thematic topics`` (propose candidate themes) and ``topics runs|list|show|by-year|figure``."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import (
    App,
    LiveChoice,
    emit,
    json_option,
    non_negative,
    pass_app,
    warn,
)
from thematic.cli.engine import engine_for, engine_options, progress
from thematic.topics import base as topic_models
from thematic.words import plural


def _run_id(store, run_id: int | None) -> int:
    from thematic.lookup import topic_run

    return topic_run(store, run_id)


def _codes(c) -> str:
    return ", ".join(n["code"] for n in c.nearest_codes[:3] if n.get("members")) or ", ".join(
        n["code"] for n in c.nearest_codes[:2])


def _label(c) -> str:
    share = c.data.get("label_share")
    return c.label if share is None else f"{c.label} ({share:.0%} coded)"


def _rows(candidates) -> list[dict]:
    return [{"topic": c.topic, "size": c.size, "studies": len(c.studies), "label": _label(c),
             "keywords": ", ".join(w for w, _ in c.keywords[:5]), "codes": _codes(c)}
            for c in candidates]





def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


RUN_OPTIONS = [
    click.option("--embeddings", help="Embedding backend: minilm (default when installed), "
                 "tfidf, or the path of a local sentence-transformers model folder."),
    click.option("--unit", type=click.Choice(["excerpt", "sentence"]), default="excerpt",
                 show_default=True, help="Model whole excerpts, or their sentences (an "
                 "excerpt then joins its sentences' most common topic)."),
    click.option("--min-topic-size", type=click.IntRange(min=2), help="Smallest topic "
                 "(HDBSCAN min_cluster_size); default about n/25, at least 5."),
    click.option("--seed", type=int, default=0, show_default=True, callback=non_negative,
                 help="Random seed: the same seed gives the same topics."),
    click.option("--guided", is_flag=True, help="Seed topics from the codebook, one per "
                 "top-level branch (its code names, rule phrases and definition), with "
                 "BERTopic's seed_topic_list."),
    click.option("--nr-topics", type=click.IntRange(min=2), help="Merge topics down to N."),
    click.option("--codebook", help="The codebook for nearest codes and --guided (default: "
                 "the current one)."),
    click.option("--outliers", type=click.Choice(["auto", "keep", "reduce", "kmeans"]),
                 default="auto", show_default=True, help="What to do with HDBSCAN outliers "
                 "(--cluster hdbscan): auto = reassign them, or fall back to k-means when "
                 "they are the majority."),
    click.option("--cluster", type=LiveChoice(topic_models.names), default="ward",
                 show_default=True, help="ward: Ward clustering of embeddings joined with "
                 "code profiles, k chosen by stability; average: the same with average "
                 "linkage of cosine distances (Ward without code profiles); spectral: Ward "
                 "on a spectral embedding of the same (its neighbourhood graph); all three "
                 "give the same topics on every machine. hdbscan: BERTopic's UMAP + HDBSCAN (may "
                 "differ between CPUs); --guided uses it."),
    click.option("--no-code-profile", "no_profile", is_flag=True, help="Cluster on the "
                 "embeddings alone, not joined with each excerpt's codings."),
]


def run_options(f):
    for option in reversed(RUN_OPTIONS):
        f = option(f)
    return f


@click.group(invoke_without_command=True)
@run_options
@engine_options
@json_option
@click.pass_context
def topics(ctx: click.Context, embeddings, unit, min_topic_size, seed, guided, nr_topics,
           codebook, outliers, cluster, no_profile, engine, scheduler, workers,
           as_json) -> None:
    """Propose candidate themes by topic modelling (run without a sub-command), and inspect them.

    Accept a candidate as a theme with `thematic theme accept TOPIC`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from thematic.corpus import counts
    from thematic.topics import propose

    app: App = ctx.obj
    store = app.store()
    total = counts(store)["excerpts"]
    with engine_for(engine, scheduler, workers) as running, \
            progress(running, total, "Embedding") as step:
        found = propose(store, embeddings=embeddings, unit=unit, min_topic_size=min_topic_size,
                        seed=seed, guided=guided, nr_topics=nr_topics, codebook=codebook,
                        outliers=outliers, cluster=cluster, profile=not no_profile,
                        progress=step, engine=running)
    if as_json:
        emit([], as_json=True, document=asdict(found))
        return
    for note in found.notes:
        warn(note)
    texts = plural(found.params['excerpts'], 'excerpt')
    if unit != "excerpt":
        texts += f" as {plural(found.n_documents, unit)}"
    click.echo(f"Topic run {found.id}: {texts}; embeddings {found.model}; {found.method}.")
    if found.hdbscan_outlier_share is None:
        click.echo(f"{plural(len(found.topics), 'topic')}; {found.seconds:.1f} s.")
    else:
        click.echo(f"{plural(len(found.topics), 'topic')}; outliers: HDBSCAN "
                   f"{_share(found.hdbscan_outlier_share)}, final "
                   f"{_share(found.outlier_share)}; {found.seconds:.1f} s.")
    click.echo("")
    emit(_rows(found.candidates), ["topic", "size", "studies", "label", "keywords", "codes"],
         as_json=False)
    click.echo("")
    click.echo("Inspect one with `thematic topics show TOPIC`; make it a theme with "
               "`thematic theme accept TOPIC [--name ...]`.")


@topics.command("runs")
@json_option
@pass_app
def runs(app: App, as_json: bool) -> None:
    """List the topic runs with their model, method and outlier share."""
    from thematic import topics as tdb

    found = tdb.list_runs(app.store())
    rows = [{"run": r.id, "created": r.created_at, "model": r.model,
             "method": r.params.get("method"), "texts": r.n_documents,
             "outliers": _share(r.outlier_share), "seed": r.params.get("seed")}
            for r in found]
    emit(rows, ["run", "created", "model", "method", "texts", "outliers", "seed"],
         as_json=as_json, document=[asdict(r) for r in found],
         empty="(no topic runs yet: run `thematic topics`)")


@topics.command("list")
@click.option("--run", "run_id", type=int, help="The run (default: the latest).")
@json_option
@pass_app
def list_(app: App, run_id: int | None, as_json: bool) -> None:
    """List the candidate themes of a run, with what produced the run and which
    candidates became themes."""
    from thematic import topics as tdb
    from thematic.themes import list_themes
    from thematic.topics.run import provenance

    store = app.store()
    chosen = _run_id(store, run_id)
    run = tdb.get_run(store, chosen)
    assert run is not None  # _run_id found it
    found = tdb.list_candidates(store, chosen)
    found.sort(key=lambda c: (c.topic < 0, c.topic))
    accepted = {topic: t.name for t in list_themes(store) for r, topic in t.topics
                if r == chosen}
    rows = [{**row, "theme": accepted.get(row["topic"], "")} for row in _rows(found)]
    if not as_json:
        line = provenance(run)
        click.echo(line[:1].upper() + line[1:])
    emit(rows, ["topic", "size", "studies", "label", "keywords", "codes", "theme"],
         as_json=as_json, document={"run": asdict(run), "candidates": [
             {**asdict(c), "theme": accepted.get(c.topic)} for c in found]})


@topics.command("show")
@click.argument("topic", type=int)
@click.option("--run", "run_id", type=int, help="The run (default: the latest).")
@json_option
@pass_app
def show(app: App, topic: int, run_id: int | None, as_json: bool) -> None:
    """Show one candidate: keywords, representative excerpts, studies, nearest codes."""
    from thematic import topics as tdb
    from thematic.corpus import list_excerpts
    from thematic.corpus.design import source_unit
    from thematic.errors import ThematicError

    store = app.store()
    chosen = _run_id(store, run_id)
    found = tdb.get_candidate(store, chosen, topic)
    if found is None:
        known = [str(c.topic) for c in tdb.list_candidates(store, chosen)]
        raise ThematicError("E251", value=topic, run=chosen,
                            suggest=f" Topics of run {chosen}: {', '.join(known)}.")
    members = [e for e, _, _ in tdb.members(store, chosen, topic)]
    if as_json:
        emit([], as_json=True, document={**asdict(found), "members": members})
        return
    click.echo(f"Topic {found.topic} of run {chosen}: {found.label}")
    click.echo(f"  size: {plural(found.size, 'excerpt')} from "
               f"{plural(len(found.studies), *source_unit(store))}: {', '.join(found.studies)}")
    click.echo("  keywords: " + ", ".join(w for w, _ in found.keywords))
    click.echo("  c-TF-IDF: " + ", ".join(w for w, _ in found.data.get("ctfidf", [])))
    if found.data.get("suggested_codes"):
        click.echo("  label from codes: " + ", ".join(found.data["suggested_codes"]))
    if found.nearest_codes:
        click.echo("")
        emit([{"code": n["code"], "name": n["name"], "members": n["members"],
               "share": _share(n["share"]),
               "similarity": "-" if n["similarity"] is None else f"{n['similarity']:.2f}"}
              for n in found.nearest_codes],
             ["code", "name", "members", "share", "similarity"], as_json=False)
    if found.representative:
        click.echo("")
        click.echo("Representative excerpts:")
        texts = {e.id: e for e in list_excerpts(store, ids=found.representative)}
        emit([{"excerpt": i, "study": texts[i].source_id, "text": texts[i].text}
              for i in found.representative if i in texts],
             ["excerpt", "study", "text"], as_json=False)


@topics.command("by-year")
@click.option("--run", "run_id", type=int, help="The run (default: the latest).")
@json_option
@pass_app
def by_year(app: App, run_id: int | None, as_json: bool) -> None:
    """Excerpts per topic and study publication year."""
    from thematic import topics as tdb

    store = app.store()
    chosen = _run_id(store, run_id)
    cells = tdb.members_by_year(store, chosen)
    years = sorted({y for _, y, _, _ in cells if y is not None})
    has_unknown = any(y is None for _, y, _, _ in cells)
    labels = {c.topic: c.label for c in tdb.list_candidates(store, chosen)}
    table: dict[int, dict] = {}
    for topic, year, excerpts, _ in cells:
        row = table.setdefault(topic, {"topic": topic, "label": labels.get(topic, "")})
        row[str(year) if year is not None else "unknown"] = excerpts
    rows = sorted(table.values(), key=lambda r: (r["topic"] < 0, r["topic"]))
    columns = ["topic", "label", *map(str, years)] + (["unknown"] if has_unknown else [])
    for row in rows:
        for column in columns[2:]:
            row.setdefault(column, 0)
    document = [{"topic": t, "year": y, "excerpts": n, "studies": s} for t, y, n, s in cells]
    emit(rows, columns, as_json=as_json, document=document)


@topics.command("figure")
@click.option("--run", "run_id", type=int, help="The run (default: the latest).")
@click.option("--out", "out", type=click.Path(dir_okay=False),
              help="Output file (default: reports/figures/topics-run-N.png or .html).")
@click.option("--html", is_flag=True, help="An interactive plotly page instead of a PNG.")
@pass_app
def figure(app: App, run_id: int | None, out: str | None, html: bool) -> None:
    """Draw the intertopic distance map of a run."""
    from thematic import topics as tdb
    from thematic.topics.figure import draw, draw_html

    store = app.store()
    chosen = _run_id(store, run_id)
    found = tdb.list_candidates(store, chosen)
    suffix = "html" if html else "png"
    target = out or app.root / "reports" / "figures" / f"topics-run-{chosen}.{suffix}"
    written = (draw_html if html else draw)(found, target, run_id=chosen)
    click.echo(f"Wrote {written}")
