"""Co-occurrence networks of codes and themes (networkx).

``build(store)`` reads the evidence, counts co-occurrence on a sparse incidence matrix
(``cooccur``), tests each link against chance, finds communities and central and bridging
nodes (``analyse``) and returns a ``networkx.Graph``; ``export.export(graph, path, format)``
(or ``write``) saves it as GraphML, GEXF, node-link JSON, an edge CSV or a PNG figure
(``figure.draw``).

This module stays light (no numpy, scipy or networkx at import) so the CLI starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from thematic.network.options import (
    ALPHA,
    LEVELS,
    METHODS,
    UNITS,
    WEIGHTS,
    check_choice,
)

if TYPE_CHECKING:
    import networkx as nx

    from thematic.store.db import Store

__all__ = ["ALPHA", "LEVELS", "METHODS", "UNITS", "WEIGHTS", "build",
           "check_choice", "default_level", "write"]


def build(store: Store, *, level: str = "theme", unit: str = "excerpt", weight: str = "count",
          min_weight: float = 0.0, seed: int = 0, codebook: str | None = None,
          communities: str = "louvain", alpha: float = ALPHA, engine=None) -> nx.Graph:
    """The co-occurrence graph of ``level`` items within ``unit``s.

    Nodes (item ids) carry name, level, count (units), studies, prevalence (share of the
    studies in the analysis), colour, community, degree, strength, degree_centrality,
    betweenness, eigenvector, participation and bridging. Edges carry count, weight,
    excerpts (supporting excerpt ids), p_value, q_value and significant (q < ``alpha``).
    ``engine`` (``thematic.engine``) sums ``AᵀA`` over partitions of the units elsewhere.
    """
    from thematic.network import analyse, cooccur

    check_choice("weight", weight, WEIGHTS)
    check_choice("communities", communities, METHODS)
    inc = cooccur.incidence(store, level, unit, codebook=codebook)
    total = engine.cooccur(inc.matrix) if engine is not None else None
    table = cooccur.edge_table(inc, weight, min_weight, alpha=alpha, total=total)
    graph = analyse.to_graph(inc, table, min_weight=min_weight, seed=seed, alpha=alpha)
    return analyse.annotate(graph, seed=seed, method=communities)


def default_level(store: Store) -> str:
    """'theme' when the project has themes, else 'code'."""
    from thematic.themes import list_themes

    return "theme" if list_themes(store) else "code"


def write(graph: nx.Graph, path: str | Path, format: str | None = None) -> Path:
    """Write ``graph`` to ``path`` (format from the extension unless given), atomically.
    The same as ``thematic.network.export.export`` (a function here named ``export`` would
    be shadowed by that submodule)."""
    from thematic.network.export import export

    return export(graph, path, format)
