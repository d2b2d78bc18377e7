"""``thematic network``: the code or theme co-occurrence network."""

from __future__ import annotations

from pathlib import Path

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
from thematic.cli.engine import engine_for, engine_options
from thematic.network import LEVELS, METHODS, UNITS, WEIGHTS
from thematic.network.export import EXPORTERS
from thematic.words import plural

NODE_COLUMNS = ("id", "name", "count", "studies", "community", "degree", "betweenness",
                "eigenvector", "bridging")
EDGE_COLUMNS = ("source", "target", "count", "weight", "p", "q", "sig")


@click.command()
@click.option("--level", type=click.Choice(LEVELS), default=None,
              help="Link codes or themes (default: themes when the project has any, else "
                   "codes).")
@click.option("--unit", type=click.Choice(UNITS), default="excerpt", show_default=True,
              help="Items co-occur when the same excerpt, or the same study, carries both.")
@click.option("--weight", type=click.Choice(WEIGHTS), default="count", show_default=True,
              help="Edge weight: count of shared units; jaccard; association strength "
                   "(observed / expected); npmi (normalised PMI, -1..1).")
@click.option("--min-weight", type=float, default=0.0, show_default=True,
              help="Keep links whose weight is at least this.")
@click.option("--codebook", help="At code level: the codebook whose codings to use "
                                 "(default: the one with the most accepted codings).")
@click.option("--communities", "method", type=click.Choice(METHODS), default="louvain",
              show_default=True, help="Community detection (seeded Louvain, or greedy "
                                      "modularity).")
@click.option("--format", "fmt", type=LiveChoice(EXPORTERS.names),
              help="Also write the network in this format (default: from --out's "
                   "extension).")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Where to write it (default: reports/network-LEVEL.FORMAT in the "
                   "project).")
@click.option("--seed", type=int, default=0, show_default=True, callback=non_negative,
              help="Seed for communities and the figure's layout.")
@click.option("--top", type=int, default=15, show_default=True, callback=non_negative,
              help="How many of the strongest links to list (0: all).")
@engine_options
@json_option
@pass_app
def network(app: App, level: str | None, unit: str, weight: str, min_weight: float,
            codebook: str | None, method: str, fmt: str | None, out: str | None, seed: int,
            top: int, engine: str, scheduler: str | None, workers: int | None,
            as_json: bool) -> None:
    """Map which codes or themes occur together, with communities, central and bridging
    nodes, and a test of each link against chance (hypergeometric, Benjamini–Hochberg).

    Prints a summary; with --format or --out also writes GraphML, GEXF, node-link JSON, an
    edge CSV or a PNG figure. Every link lists the excerpts that support it.
    """
    from thematic.corpus.design import source_unit
    from thematic.network import build, default_level
    from thematic.network.analyse import summary
    from thematic.network.export import check_writable, export, format_of

    store = app.store()
    level = level or default_level(store)
    path = None
    if fmt or out:
        path = Path(out) if out else app.root / "reports" / f"network-{level}.{fmt}"
        fmt = format_of(path, fmt)
        check_writable(path)
    with engine_for(engine, scheduler, workers) as cluster:
        graph = build(store, level=level, unit=unit, weight=weight, min_weight=min_weight,
                      seed=seed, codebook=codebook, communities=method, engine=cluster)
    if path is not None:
        export(graph, path, fmt)
    facts = summary(graph, top=top if top > 0 else graph.number_of_edges())
    if as_json:
        nodes = [{"id": n, **d} for n, d in graph.nodes(data=True)]
        edges = [{"source": u, "target": v, **d} for u, v, d in graph.edges(data=True)]
        emit([], as_json=True, document={"network": facts, "nodes": nodes, "edges": edges,
                                         "written": str(path) if path else None})
        return
    _print(graph, facts, top, source_unit(store))
    for note in facts["notes"]:
        warn(note)
    if graph.number_of_edges() == 0:
        warn(f"no links have weight >= {min_weight:g}; lower --min-weight.")
    if path is not None:
        click.echo(f"Wrote {path} ({fmt}).")


def _weight(value: float, kind: str) -> str:
    return f"{value:g}" if kind == "count" else f"{value:.3f}"


def _print(graph, facts: dict, top: int, sources: tuple[str, str]) -> None:
    g = graph.graph
    what = "Codes" if g["level"] == "code" else "Themes"
    book = f"; codebook {g['codebook']}" if g["codebook"] else ""
    units = (plural(g["units"], *sources) if g["unit"] == "study" else
             f"{plural(g['units'], 'excerpt')} from {plural(g['studies'], *sources)}")
    click.echo(f"{what} co-occurring in the same {g['unit']}{book}: "
               f"{plural(facts['nodes'], 'node')}, "
               f"{plural(facts['edges'], 'link')}; {units}.")
    click.echo(f"Weight: {g['weight']} (at least {g['min_weight']:g}). Links more than "
               f"chance: {facts['significant_edges']} (BH q < {g['alpha']:g} over "
               f"{plural(g['tested_pairs'], 'pair')}). Communities: {len(facts['communities'])} "
               f"({facts['community_method']}, seed {g['seed']}).")
    click.echo("")
    order = sorted(graph.nodes, key=lambda n: (graph.nodes[n]["community"],
                                               -graph.nodes[n]["count"]))
    rows = [{"id": n, **{c: graph.nodes[n][c] for c in NODE_COLUMNS[1:-1]},
             "bridging": "yes" if graph.nodes[n]["bridging"] else ""} for n in order]
    emit(rows, NODE_COLUMNS, as_json=False)
    click.echo("")
    shown = facts["top_edges"]
    label = "all" if top <= 0 or len(shown) == facts["edges"] else f"top {len(shown)} of"
    click.echo(f"Strongest links ({label} {facts['edges']}):")
    emit([{"source": e["source"], "target": e["target"], "count": e["count"],
           "weight": _weight(e["weight"], g["weight"]), "p": f"{e['p_value']:.3g}",
           "q": f"{e['q_value']:.3g}",
           "sig": "*" if e["significant"] else ""} for e in shown], EDGE_COLUMNS,
         as_json=False)
    if facts["bridging"]:
        click.echo("")
        click.echo("Bridging (links spread over communities, on many shortest paths):")
        emit([{"id": b["id"], "name": b["name"], "betweenness": b["betweenness"],
               "participation": b["participation"],
               "communities": ", ".join(map(str, b["communities"]))}
              for b in facts["bridging"]], as_json=False)
