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
    ticks = label_every(len(columns))
    ax.set_xticks(ticks)
    ax.set_xticklabels([studies[columns[i]] for i in ticks], rotation=90, fontsize=6)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    ax.set_xlabel("study" if step == 1 else f"study (1 in {step} labelled)")
    figure.data = _png(fig, image, ax, "excerpts", 0.025)
    return figure


#: At most this many study labels under a heatmap: the figure is at most 24 inches wide, so
#: 1,000 labels overlapped into an unreadable band, and laying them out (twice: layout,
#: then the PNG) was over half of a 100k-excerpt report's time.
HEATMAP_LABELS = 150


def label_every(columns: int, most: int = HEATMAP_LABELS) -> list[int]:
    """The columns that get a label: all of them, or one in every ⌈columns / most⌉."""
    step = max(1, -(-columns // most))
    return list(range(0, columns, step))


def _png(fig, image, ax, label: str, fraction: float) -> bytes:
    """The heatmap with its colour bar, laid out, as PNG bytes (no software stamp)."""
    colourbar = fig.colorbar(image, ax=ax, fraction=fraction, pad=0.01)
    colourbar.set_label(label, fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
    return buffer.getvalue()


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


#: Above this many contributing sources a theme × study heatmap is unreadable; interview and
#: survey reports then draw themes × the values of a breakdown attribute instead.
HEATMAP_SOURCES = 40


def attribute_heatmap(themes: list[dict], table: dict) -> Figure:
    """Rows: themes; columns: the groups of the survey's first breakdown attribute; cells:
    the share of each group's respondents who give the theme evidence."""
    tables = table.get("tables") or []
    figure = Figure("theme-attribute-heatmap", "Themes across groups of respondents")
    if not themes or not tables or not tables[0]["rows"]:
        figure.note = ("No breakdown attribute is recorded, so there is no theme × attribute "
                       "heatmap.")
        return figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    first = tables[0]
    figure.title = f"Themes by {first['attribute']} (share of respondents)"
    matrix = [[100 * c["share"] for c in row["cells"]] for row in first["rows"]]
    fig = MplFigure(figsize=(max(5.0, 2.5 + 1.1 * len(first["groups"])),
                             max(2.5, 1.2 + 0.42 * len(first["rows"]))), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(matrix, aspect="auto", cmap="Blues", interpolation="nearest", vmin=0,
                      vmax=100)
    ax.set_yticks(range(len(first["rows"])))
    ax.set_yticklabels([_short(r["name"]) for r in first["rows"]], fontsize=8)
    ax.set_xticks(range(len(first["groups"])))
    ax.set_xticklabels([f"{g['value']}\n(n = {g['sources']})" for g in first["groups"]],
                       fontsize=7)
    ax.set_xlabel(first["attribute"])
    for y, row in enumerate(first["rows"]):
        for x, cell in enumerate(row["cells"]):
            ax.text(x, y, cell["share_text"], ha="center", va="center", fontsize=7,
                    color="white" if cell["share"] > 0.6 else "black")
    figure.data = _png(fig, image, ax, "% of respondents", 0.04)
    return figure
