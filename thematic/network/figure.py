"""The network figure the report embeds (matplotlib, Agg; no pyplot global state).

Nodes are coloured by community and sized by how many units carry them; edge width follows
the weight; links that co-occur more than chance (BH q < alpha) are drawn darker. The
layout is a seeded spring layout, so the same graph and seed give the same PNG bytes.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from thematic.files import atomic_path

if TYPE_CHECKING:
    import networkx as nx

DPI = 150


def layout(graph: nx.Graph, seed: int | None = None) -> dict:
    """Node → (x, y) in [-1, 1]²: each connected part laid out on its own (seeded
    Fruchterman–Reingold), the parts packed in rows, largest first, each given room in
    proportion to its size — so an isolated pair does not squeeze the rest into a corner.

    Weights pull by their square root relative to the strongest link, so one very strong
    pair (association strength of two rare codes) does not leave every other link slack.
    """
    import networkx as nx

    from thematic.network.analyse import positive

    seed = int(graph.graph.get("seed", 0) if seed is None else seed)
    h = positive(graph)
    top = max((d["weight"] for *_, d in h.edges(data=True)), default=1.0) or 1.0
    for *_, d in h.edges(data=True):
        d["pull"] = max(0.05, (d["weight"] / top) ** 0.5)
    order = {n: i for i, n in enumerate(h)}
    parts = sorted((sorted(c, key=order.__getitem__) for c in nx.connected_components(h)),
                   key=lambda c: (-len(c), order[c[0]]))
    boxes = [(_local(h.subgraph(part), part, seed), len(part) ** 0.5) for part in parts]
    width = max(boxes[0][1], 1.3 * sum(side ** 2 for _, side in boxes) ** 0.5) if boxes else 1
    placed, x, y, row = {}, 0.0, 0.0, 0.0
    for local, side in boxes:
        if x > 0 and x + side > width + 1e-9:
            x, y, row = 0.0, y + row, 0.0
        for node, (lx, ly) in local.items():
            placed[node] = (x + lx * side, y + (1.0 - ly) * side)
        x, row = x + side, max(row, side)
    height = (y + row) or 1.0
    used = max((px for px, _ in placed.values()), default=1.0) or 1.0
    return {n: (2.0 * px / used - 1.0 if used > 0 else 0.0, 1.0 - 2.0 * py / height)
            for n, (px, py) in placed.items()}


def _local(sub: nx.Graph, part: list, seed: int) -> dict:
    """A connected part's layout inside the unit square (margins 0.1)."""
    import networkx as nx
    import numpy as np

    if len(part) == 1:
        return {part[0]: (0.5, 0.5)}
    if len(part) == 2:
        return {part[0]: (0.15, 0.5), part[1]: (0.85, 0.5)}
    raw = nx.spring_layout(sub, weight="pull", seed=seed, k=1.5 / len(part) ** 0.5,
                           iterations=300)
    xy = np.array([raw[n] for n in part], dtype=float)
    xy -= xy.min(axis=0)
    xy /= np.where(xy.max(axis=0) > 0, xy.max(axis=0), 1.0)
    xy = 0.1 + 0.8 * xy
    return {n: (float(a), float(b)) for n, (a, b) in zip(part, xy)}


def draw(graph: nx.Graph, path: str | os.PathLike, *, seed: int | None = None,
         title: str | None = None) -> Path:
    """Draw ``graph`` to a PNG at ``path`` (atomically) and return the path."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    path = Path(path)
    pos = layout(graph, seed)
    nodes = list(graph.nodes)
    n = len(nodes)
    side = min(20.0, max(8.0, 1.6 * n ** 0.5 + 4.0))
    fig = Figure(figsize=(side, side * 0.85), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.13, 0.96, 0.8))
    ax.set_axis_off()

    edges = list(graph.edges(data=True))
    if edges:
        ws = [d["weight"] for *_, d in edges]
        lo, hi = min(ws), max(ws)
        widths = [0.6 + 5.4 * ((w - lo) / (hi - lo) if hi > lo else 0.5) for w in ws]
        colours = ["#444444" if d["significant"] else "#b0b0b0" for *_, d in edges]
        segments = [(pos[u], pos[v]) for u, v, _ in edges]
        ax.add_collection(LineCollection(segments, linewidths=widths, colors=colours,
                                         alpha=0.75, zorder=1))

    top = max((graph.nodes[v]["count"] for v in nodes), default=1) or 1
    sizes = [200 + 1300 * graph.nodes[v]["count"] / top for v in nodes]
    ax.scatter([pos[v][0] for v in nodes], [pos[v][1] for v in nodes], s=sizes,
               c=[graph.nodes[v]["colour"] for v in nodes], edgecolors="white",
               linewidths=1.5, zorder=2)
    for v, size in zip(nodes, sizes):
        # Below the node (its radius in points is √s / 2), so the colour stays visible.
        label = textwrap.fill(str(graph.nodes[v].get("name", v)), 18)
        ax.annotate(label, pos[v], xytext=(0, -(size ** 0.5) / 2 - 1),
                    textcoords="offset points", fontsize=8 if n <= 60 else 6, ha="center",
                    va="top", zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7,
                          "edgecolor": "none"})
    ax.set_xlim(-1.15, 1.15)
    ax.set_ylim(-1.1, 1.1)

    handles = _legend(graph)
    if handles:
        fig.legend(handles=handles, loc="lower center", fontsize=8, frameon=False,
                   ncol=2 if len(handles) > 4 else 1)
    g = graph.graph
    fig.suptitle(title or _title(g), fontsize=12)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI, metadata={"Software": None})
    return path


def _title(g: dict) -> str:
    level = {"code": "Codes", "theme": "Themes"}.get(g.get("level", ""), "Items")
    unit = g.get("unit", "excerpt")
    plural = "studies" if unit == "study" else f"{unit}s"
    return (f"{level} co-occurring in the same {unit} "
            f"(weight: {g.get('weight', 'count')}; {g.get('units', 0)} {plural})")


def _legend(graph: nx.Graph) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    groups: dict[int, list[str]] = {}
    colours: dict[int, str] = {}
    for _, d in graph.nodes(data=True):
        groups.setdefault(d["community"], []).append(d["name"])
        colours[d["community"]] = d["colour"]
    if len(groups) > 12:
        return []
    out: list[Patch | Line2D] = []
    for c in sorted(groups):
        names = groups[c]
        text = textwrap.shorten(", ".join(names[:3]), 60, placeholder="…") + \
            (f" +{len(names) - 3}" if len(names) > 3 else "")
        out.append(Patch(color=colours[c], label=f"Community {c}: {text}"))
    alpha = graph.graph.get("alpha", 0.05)
    out.append(Line2D([0], [0], color="#444444", linewidth=3,
                      label=f"dark link: more than chance (q < {alpha:g})"))
    return out
