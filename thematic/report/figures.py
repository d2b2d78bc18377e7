"""The report's figures as PNG bytes: the theme network and a theme × study heatmap.

Figures are drawn in memory (matplotlib's object API, no pyplot state) so nothing is written
until the whole report has rendered; the same data gives the same bytes.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from thematic.report import components


@dataclass
class Figure:
    id: str                     # file stem: theme-network, theme-study-heatmap
    title: str
    data: bytes | None = None   # PNG bytes, or None with a note
    note: str | None = None


def network(graph, graph_note: str | None) -> Figure:
    figure = Figure("theme-network", "Theme co-occurrence network")
    if graph is None:
        figure.note = graph_note or "The theme co-occurrence network is not available."
        return figure
    if graph.number_of_nodes() == 0:
        figure.note = "The theme co-occurrence network has no nodes."
        return figure
    with tempfile.TemporaryDirectory(prefix="thematic-report-") as tmp:
        target = Path(tmp) / "theme-network.png"
        drawn = components.draw_network(graph, target)
        if not drawn.ok:
            figure.note = drawn.note
            return figure
        written = Path(drawn.value) if drawn.value else target
        figure.data = written.read_bytes()
    return figure


def heatmap(themes: list[dict], studies: dict[str, str]) -> Figure:
    """Rows: themes; columns: the studies that give evidence to any of them (study-list
    order); cells: the number of the theme's excerpts from that study."""
    figure = Figure("theme-study-heatmap", "Themes across studies")
    columns = [s for s in studies if any(s in t["by_study"] for t in themes)]
    if not themes or not columns:
        figure.note = "No theme has evidence yet, so there is no theme × study heatmap."
        return figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    matrix = [[t["by_study"].get(s, 0) for s in columns] for t in themes]
    width = min(24.0, max(6.0, 2.5 + 0.22 * len(columns)))
    height = max(2.5, 1.2 + 0.42 * len(themes))
    fig = MplFigure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(matrix, aspect="auto", cmap="Blues", interpolation="nearest", vmin=0)
    ax.set_yticks(range(len(themes)))
    ax.set_yticklabels([_short(t["name"]) for t in themes], fontsize=8)
    ax.set_xticks(range(len(columns)))
    ax.set_xticklabels([studies[s] for s in columns], rotation=90, fontsize=6)
    ax.set_xlabel("study")
    colourbar = fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    colourbar.set_label("excerpts", fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
    figure.data = buffer.getvalue()
    return figure


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
