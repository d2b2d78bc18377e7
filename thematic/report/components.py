"""The rooms a report draws on (themes, network, agreement), behind one door each.

A room that refuses the project's data with a catalogued error makes its section of the
report say so in one line; nothing is faked. Any other exception is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thematic import network
from thematic import themes as themes_room
from thematic.agreement.registry import statistics
from thematic.agreement.summary import AgreementReport, Figure, measure
from thematic.errors import ThematicError
from thematic.network import figure

if TYPE_CHECKING:
    import networkx as nx

    from thematic.store.db import Store


@dataclass
class Outcome:
    """A value, or the one-line reason there is none."""

    value: Any = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.note is None


def call(what: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """``function(*args, **kwargs)`` as an Outcome (catalogued errors become the note)."""
    try:
        return Outcome(value=function(*args, **kwargs))
    except ThematicError as exc:
        return Outcome(note=f"{what} is not available: {exc.message}")


# --- themes ----------------------------------------------------------------------------

@dataclass
class ThemeData:
    themes: list[themes_room.Theme] = field(default_factory=list)
    evidence: dict[str, themes_room.Evidence] = field(default_factory=dict)  # by theme id


def themes(store: Store, coders: list[str] | None = None) -> Outcome:
    """Every theme with its evidence (recomputed from accepted codings by the themes room;
    ``coders``: the evidence coders, default the policy in force)."""
    listed = call("The themes room", themes_room.list_themes, store)
    if not listed.ok:
        return listed
    data = ThemeData(themes=list(listed.value))
    for theme in data.themes:
        data.evidence[theme.id] = themes_room.evidence(store, theme.id, coders=coders)
    return Outcome(value=data)


# --- network ---------------------------------------------------------------------------

def theme_network(store: Store) -> Outcome:
    """The theme co-occurrence graph (excerpt units, counts, seed 0)."""
    return call("The theme co-occurrence network", network.build, store,
                level="theme", unit="excerpt", weight="count", min_weight=0.0, seed=0)


def draw_network(graph: nx.Graph, path: Path) -> Outcome:
    return call("The theme network figure", figure.draw, graph, path)


# --- agreement -------------------------------------------------------------------------

def agreement(store: Store, coders: list[str] | None = None) -> Outcome:
    """Inter-coder agreement as plain data (see agreement_summary)."""
    try:
        # The report states point figures; intervals are `thematic agree`'s.
        report = measure(store, coders=coders, n_boot=0)
    except ThematicError as exc:
        if exc.code == "E200":
            return Outcome(note="Inter-coder agreement was not measured: it needs at least "
                                f"two coders ({exc.fields.get('found')}; coders in the "
                                f"project: {exc.fields.get('coders')}). Name the coders to "
                                "compare with the option --agreement-coders A,B.")
        return Outcome(note=f"Inter-coder agreement was not measured. {exc.message}")
    return Outcome(value=agreement_summary(report))


def _figure(item: Figure) -> dict[str, Any]:
    """One figure as {"key", "name", "value", "band", "units", "reason"}."""
    return {"key": item.key, "name": item.name or item.key,
            "value": None if item.value is None else float(item.value),
            "band": item.band, "units": item.n_units, "reason": item.reason}


def agreement_summary(report: AgreementReport) -> dict[str, Any]:
    """The pooled figures of an AgreementReport as plain data:
    {"coders", "excerpts", "codebook", "version", "level", "statistics": [figure, ...]}."""
    figures = report.pooled.figures
    # The report states the pooled figures of the statistics registered ``in_report``.
    keys = [s.key for s in statistics() if s.in_report]
    return {"coders": [str(c) for c in report.coders], "excerpts": report.n_excerpts,
            "codebook": report.codebook, "version": report.version, "level": report.level,
            "statistics": [_figure(figures[key]) for key in keys if key in figures]}
