"""The co-occurrence graph and what it shows: communities, central and bridging nodes.

Analysis runs on the links with positive weight (an NPMI below zero says two items avoid
each other; it is kept on the edge for the record but is no tie for communities or paths).
Betweenness treats a strong link as a short one (distance = 1 / weight); degree centrality
counts links, strength sums their weights. A bridging node both spreads its link weight
across communities — its participation coefficient P = 1 − Σ_s (k_s / k)² (Guimerà and
Amaral 2005) is at least ``BRIDGING``, i.e. no one community holds much more than half of
it — and lies on more shortest paths than the average node (betweenness above the mean),
so a peripheral code with two weak links to two groups does not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from thematic.network.cooccur import EdgeTable, Incidence

# Matplotlib's tab10, so the figure and Gephi/Cytoscape show the same colours.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
BRIDGING = 0.5
EIGEN_ITERATIONS = 1000


def colour(community: int) -> str:
    """The colour of community 1, 2, …"""
    return PALETTE[(community - 1) % len(PALETTE)]


def to_graph(inc: Incidence, table: EdgeTable, *, min_weight: float = 0.0, seed: int = 0,
             alpha: float = 0.05) -> nx.Graph:
    """Nodes and edges with their counts; ``annotate`` adds the analysis."""
    import networkx as nx

    from thematic.network.cooccur import study_counts

    marg = inc.matrix.getnnz(axis=0)
    studies = study_counts(inc)
    n_studies = len(inc.studies)
    graph = nx.Graph(level=inc.level, unit=inc.unit, weight=table.weight_kind,
                     min_weight=float(min_weight), seed=int(seed), alpha=float(alpha),
                     units=int(table.n_units), excerpts=len(inc.excerpts), studies=n_studies,
                     tested_pairs=int(table.tested), codebook=inc.codebook or "",
                     notes="")
    for j, item in enumerate(inc.items):
        graph.add_node(item, name=inc.names.get(item, item), level=inc.level,
                       count=int(marg[j]), studies=int(studies[j]),
                       prevalence=float(studies[j] / n_studies) if n_studies else 0.0,
                       **inc.item_attrs.get(item, {}))
    for row in table.rows():
        graph.add_edge(row.pop("source"), row.pop("target"), **row)
    if inc.nested:
        _note(graph, "pairs of a theme and a theme beneath it share evidence by design and "
                     "are not linked")
    return graph


def _note(graph: nx.Graph, text: str) -> None:
    # One line each: GraphML keeps graph attributes only as scalars.
    graph.graph["notes"] = "\n".join([*notes(graph), text])


def notes(graph: nx.Graph) -> list[str]:
    """What the analysis had to work around (fallbacks), one sentence each."""
    return [n for n in graph.graph.get("notes", "").split("\n") if n]


def positive(graph: nx.Graph) -> nx.Graph:
    """The same nodes, with only the links of positive weight (weight, distance = 1/w)."""
    import networkx as nx

    h = nx.Graph()
    h.add_nodes_from(graph.nodes)
    h.add_edges_from((u, v, {"weight": float(d["weight"]), "distance": 1.0 / d["weight"]})
                     for u, v, d in graph.edges(data=True) if d["weight"] > 0)
    return h


def communities(h: nx.Graph, *, seed: int = 0, method: str = "louvain"
                ) -> tuple[list[list], str]:
    """Node groups (largest first, ties by node order; community k is ``groups[k - 1]``)
    and the method that found them."""
    import networkx as nx

    order = {n: i for i, n in enumerate(h.nodes)}
    if h.number_of_edges() == 0:
        found, used = [{n} for n in h.nodes], "singletons: no links"
    elif method == "louvain":
        try:
            found = nx.community.louvain_communities(h, weight="weight", seed=seed)
            used = "louvain"
        except (AttributeError, ZeroDivisionError, nx.NetworkXError):
            found = nx.community.greedy_modularity_communities(h, weight="weight")
            used = "greedy modularity (louvain failed)"
    else:
        found, used = nx.community.greedy_modularity_communities(h, weight="weight"), \
            "greedy modularity"
    groups = [sorted(g, key=order.__getitem__) for g in found]
    groups.sort(key=lambda g: (-len(g), order[g[0]]))
    return groups, used


def eigenvector(h: nx.Graph, max_iter: int = EIGEN_ITERATIONS) -> tuple[dict, str | None]:
    """Weighted eigenvector centrality, with the fallbacks it needs and a note saying so."""
    import networkx as nx

    if h.number_of_edges() == 0:
        return {n: 0.0 for n in h.nodes}, None
    try:
        return nx.eigenvector_centrality(h, weight="weight", max_iter=max_iter), None
    except nx.PowerIterationFailedConvergence:
        why = f"eigenvector centrality did not converge in {max_iter} iterations"
    try:
        values = nx.eigenvector_centrality_numpy(h, weight="weight")
        return ({n: abs(float(v)) for n, v in values.items()},
                f"{why}; used the sparse eigen-solver instead")
    except Exception as exc:  # ARPACK refuses tiny or degenerate graphs
        strength = dict(h.degree(weight="weight"))
        top = max(strength.values()) or 1.0
        return ({n: s / top for n, s in strength.items()},
                f"{why} and the eigen-solver failed ({type(exc).__name__}); the column "
                "shows relative weighted degree instead")


def participation(h: nx.Graph, community: dict) -> dict:
    out = {}
    for node in h.nodes:
        by: dict[int, float] = {}
        for other, data in h[node].items():
            by[community[other]] = by.get(community[other], 0.0) + data["weight"]
        total = sum(by.values())
        out[node] = 1.0 - sum((w / total) ** 2 for w in by.values()) if total else 0.0
    return out


def annotate(graph: nx.Graph, *, seed: int = 0, method: str = "louvain",
             max_iter: int = EIGEN_ITERATIONS) -> nx.Graph:
    """Add community, colour, centralities, participation and bridging to every node."""
    import networkx as nx

    h = positive(graph)
    groups, used = communities(h, seed=seed, method=method)
    community = {n: i for i, g in enumerate(groups, start=1) for n in g}
    betweenness = nx.betweenness_centrality(h, weight="distance", normalized=True)
    degree = nx.degree_centrality(graph) if len(graph) > 1 else {n: 0.0 for n in graph}
    eigen, note = eigenvector(h, max_iter)
    part = participation(h, community)
    strength = dict(h.degree(weight="weight"))
    mean_betweenness = sum(betweenness.values()) / len(betweenness) if betweenness else 0.0
    for node, data in graph.nodes(data=True):
        data.update(community=community[node], colour=colour(community[node]),
                    degree=int(graph.degree(node)), strength=float(strength[node]),
                    degree_centrality=float(degree[node]),
                    betweenness=float(betweenness[node]), eigenvector=float(eigen[node]),
                    participation=float(part[node]),
                    bridging=bool(part[node] >= BRIDGING
                                  and betweenness[node] > mean_betweenness))
    graph.graph.update(community_method=used, communities=len(groups))
    # Re-annotating replaces the analysis notes rather than repeating them.
    graph.graph["notes"] = "\n".join(n for n in notes(graph)
                                     if not n.startswith("eigenvector"))
    if note:
        _note(graph, note)
    return graph


def summary(graph: nx.Graph, *, top: int = 10) -> dict:
    """What the report and the CLI say about the network: sizes, communities, centrality per
    node, bridging nodes, the strongest and the significant links."""
    g = graph.graph
    nodes = graph.nodes
    groups: dict[int, list] = {}
    for node, data in nodes(data=True):
        groups.setdefault(data["community"], []).append(node)
    edges = sorted(graph.edges(data=True), key=lambda e: (-e[2]["weight"], -e[2]["count"],
                                                          e[0], e[1]))
    bridging = sorted((n for n, d in nodes(data=True) if d["bridging"]),
                      key=lambda n: (-nodes[n]["betweenness"], -nodes[n]["participation"]))
    return {
        "level": g["level"], "unit": g["unit"], "weight": g["weight"],
        "min_weight": g["min_weight"], "seed": g["seed"], "units": g["units"],
        "studies": g["studies"], "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "significant_edges": sum(1 for *_, d in graph.edges(data=True) if d["significant"]),
        "alpha": g["alpha"], "tested_pairs": g["tested_pairs"],
        "community_method": g.get("community_method", ""),
        "communities": [{"id": c, "colour": colour(c), "size": len(members),
                         "nodes": members, "names": [nodes[n]["name"] for n in members]}
                        for c, members in sorted(groups.items())],
        "centrality": {n: {"degree": d["degree"], "degree_centrality": d["degree_centrality"],
                           "strength": d["strength"], "betweenness": d["betweenness"],
                           "eigenvector": d["eigenvector"],
                           "participation": d["participation"]}
                       for n, d in nodes(data=True)},
        "bridging": [{"id": n, "name": nodes[n]["name"], "community": nodes[n]["community"],
                      "participation": nodes[n]["participation"],
                      "betweenness": nodes[n]["betweenness"],
                      "communities": sorted({nodes[m]["community"] for m in graph[n]}
                                            | {nodes[n]["community"]})}
                     for n in bridging],
        "top_edges": [_edge(u, v, d) for u, v, d in edges[:top]],
        "significant": [_edge(u, v, d) for u, v, d in edges if d["significant"]],
        "notes": notes(graph),
    }


def _edge(u, v, d: dict) -> dict:
    return {"source": u, "target": v, "count": d["count"], "weight": d["weight"],
            "p_value": d["p_value"], "q_value": d["q_value"], "significant": d["significant"],
            "excerpts": list(d["excerpts"])}
