"""The intertopic distance map of a stored run: PNG (matplotlib) or interactive HTML (plotly).

Circles sit where metric MDS put the topic centroids (stored with the run, so the figure
is the same every time it is drawn); their area follows topic size.
"""

from __future__ import annotations

import os
from pathlib import Path

from thematic.errors import ThematicError
from thematic.files import atomic_path


def _points(candidates) -> list[tuple[int, float, float, int, str]]:
    return [(c.topic, float(c.data["xy"][0]), float(c.data["xy"][1]), c.size, c.label)
            for c in candidates if c.topic >= 0 and c.data.get("xy")]


def draw(candidates, path: str | os.PathLike, *, run_id: int, title: str | None = None
         ) -> Path:
    """Write the PNG to ``path`` (atomically) and return it."""
    points = _points(candidates)
    if len(points) < 2:
        raise ThematicError("E274", run=run_id, count=len(points),
                            what="an intertopic distance map", minimum=2)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    biggest = max(p[3] for p in points)
    fig, ax = plt.subplots(figsize=(8, 7), dpi=120)
    try:
        colours = plt.get_cmap("tab20")
        for i, (topic, x, y, size, label) in enumerate(points):
            ax.scatter([x], [y], s=300 + 2700 * size / biggest, alpha=0.45,
                       color=colours(i % 20), edgecolors="black", linewidths=0.6)
            ax.annotate(f"{topic}: {label}\n({size})", (x, y), ha="center", va="center",
                        fontsize=8)
        xs = [p[1] for p in points]
        ys = [p[2] for p in points]
        pad_x = (max(xs) - min(xs)) * 0.2 or 0.5
        pad_y = (max(ys) - min(ys)) * 0.2 or 0.5
        ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
        ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
        ax.axhline(0, color="grey", linewidth=0.4)
        ax.axvline(0, color="grey", linewidth=0.4)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title or f"Intertopic distance map (topic run {run_id})")
        ax.set_xlabel("MDS 1 (cosine distance between topic centroids)")
        ax.set_ylabel("MDS 2")
        fig.tight_layout()
        target = Path(path)
        with atomic_path(target) as tmp:
            # metadata without a date, so the same run gives the same bytes
            fig.savefig(tmp, format="png", metadata={"Software": None})
    finally:
        plt.close(fig)
    return target


def draw_html(candidates, path: str | os.PathLike, *, run_id: int) -> Path:
    """The same map as a self-contained interactive plotly page (hover shows keywords)."""
    points = _points(candidates)
    if len(points) < 2:
        raise ThematicError("E274", run=run_id, count=len(points),
                            what="an intertopic distance map", minimum=2)
    import importlib.util

    if importlib.util.find_spec("plotly") is None:
        raise ThematicError("E273", what="`topics figure --html`", package="plotly",
                            alternative=", or draw the PNG without --html")
    import plotly.graph_objects as go

    words = {c.topic: ", ".join(w for w, _ in c.keywords[:8]) for c in candidates}
    biggest = max(p[3] for p in points)
    fig = go.Figure(go.Scatter(
        x=[p[1] for p in points], y=[p[2] for p in points], mode="markers+text",
        text=[f"{p[0]}: {p[4]}" for p in points], textposition="middle center",
        marker={"size": [20 + 60 * p[3] / biggest for p in points], "opacity": 0.5,
                "line": {"width": 1, "color": "black"}},
        customdata=[[p[3], words.get(p[0], "")] for p in points],
        hovertemplate="%{text}<br>size %{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig.update_layout(title=f"Intertopic distance map (topic run {run_id})", width=800,
                      height=700, xaxis={"visible": False}, yaxis={"visible": False},
                      template="simple_white")
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(fig.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    return target
