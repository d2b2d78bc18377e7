"""The optional rooms a report draws on (themes, network, agreement), behind one door each.

A room that is not installed, or that refuses the project's data with a catalogued error,
makes its section of the report say so in one line; nothing is faked. Any other exception
is a bug and propagates.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from thematic.errors import ThematicError


@dataclass
class Outcome:
    """A value, or the one-line reason there is none."""

    value: Any = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.note is None


def load(module: str, what: str) -> tuple[Any, str | None]:
    """(module, None), or (None, a note) when ``module`` cannot be imported."""
    try:
        return importlib.import_module(module), None
    except ModuleNotFoundError as exc:
        missing = exc.name or module
        if module == missing or module.startswith(missing + "."):
            return None, f"{what} is not available: this installation has no {module}."
        return None, f"{what} is not available: {module} needs the package {missing}."
    except ImportError as exc:
        return None, f"{what} is not available: {module} could not be imported ({exc})."


def call(module: str, attr: str, what: str, *args: Any, **kwargs: Any) -> Outcome:
    """``module.attr(*args, **kwargs)`` as an Outcome (catalogued errors become the note)."""
    found, note = load(module, what)
    if found is None:
        return Outcome(note=note)
    function = getattr(found, attr, None)
    if function is None:
        return Outcome(note=f"{what} is not available: {module} has no {attr} yet.")
    try:
        return Outcome(value=function(*args, **kwargs))
    except ThematicError as exc:
        return Outcome(note=f"{what} is not available: {exc.message}")


# --- themes ----------------------------------------------------------------------------

@dataclass
class ThemeData:
    themes: list = field(default_factory=list)            # thematic.themes.Theme
    evidence: dict = field(default_factory=dict)          # theme id → Evidence


def themes(store, coders: list[str] | None = None) -> Outcome:
    """Every theme with its evidence (recomputed from accepted codings by the themes room;
    ``coders``: the evidence coders, default the policy in force)."""
    listed = call("thematic.themes", "list_themes", "The themes room", store)
    if not listed.ok:
        return listed
    module = importlib.import_module("thematic.themes")
    data = ThemeData(themes=list(listed.value))
    for theme in data.themes:
        data.evidence[theme.id] = module.evidence(store, theme.id, coders=coders)
    return Outcome(value=data)


# --- network ---------------------------------------------------------------------------

def theme_network(store) -> Outcome:
    """The theme co-occurrence graph (excerpt units, counts, seed 0)."""
    found, note = load("thematic.network", "The theme co-occurrence network")
    if found is None:
        return Outcome(note=note)
    return call("thematic.network", "build", "The theme co-occurrence network", store,
                level="theme", unit="excerpt", weight="count", min_weight=0.0, seed=0)


def draw_network(graph, path) -> Outcome:
    return call("thematic.network.figure", "draw", "The theme network figure", graph, path)


# --- agreement -------------------------------------------------------------------------

#: The pooled figures the report states, in order (keys of the agreement room's figures).
AGREEMENT_FIGURES = ("alpha", "kappa", "ac1", "percent_pairwise")


def agreement(store, coders: list[str] | None = None) -> Outcome:
    """Inter-coder agreement as plain data (see agreement_summary)."""
    found, note = load("thematic.agreement", "Inter-coder agreement")
    if found is None:
        return Outcome(note=note)
    options: dict = {"coders": coders}
    measure = getattr(found, "measure", None)
    if measure is None:
        return Outcome(note="Inter-coder agreement is not available: thematic.agreement "
                            "has no measure yet.")
    import inspect

    if "n_boot" in inspect.signature(measure).parameters:
        options["n_boot"] = 0  # the report states point figures; intervals are `agree`'s
    try:
        report = measure(store, **options)
    except ThematicError as exc:
        if exc.code == "E200":
            return Outcome(note="Inter-coder agreement was not measured: it needs at least "
                                f"two coders ({exc.fields.get('found')}; coders in the "
                                f"project: {exc.fields.get('coders')}). Name the coders to "
                                "compare with the option --agreement-coders A,B.")
        return Outcome(note=f"Inter-coder agreement was not measured. {exc.message}")
    return Outcome(value=agreement_summary(report))


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _figure(item: Any) -> dict | None:
    """One figure as {"key", "name", "value", "band", "units", "reason"}."""
    if item is None:
        return None
    value = _get(item, "value")
    if value is not None and not isinstance(value, (int, float)):
        return None
    units = _get(item, "n_units")
    return {"key": _get(item, "key"), "name": str(_get(item, "name") or _get(item, "key")),
            "value": None if value is None else float(value),
            "band": _get(item, "band"), "units": units if isinstance(units, int) else None,
            "reason": _get(item, "reason")}


def agreement_summary(report: Any) -> dict:
    """The pooled figures of an AgreementReport (thematic.agreement.summary) as plain data:
    {"coders", "excerpts", "codebook", "version", "level", "statistics": [figure, ...]}."""
    pooled = _get(report, "pooled")
    figures = _get(pooled, "figures") or {}
    statistics = []
    for key in AGREEMENT_FIGURES:
        found = _figure(figures.get(key)) if isinstance(figures, dict) else None
        if found is not None:
            statistics.append(found)
    return {"coders": [str(c) for c in _get(report, "coders") or []],
            "excerpts": _get(report, "n_excerpts"), "codebook": _get(report, "codebook"),
            "version": _get(report, "version"), "level": _get(report, "level"),
            "statistics": statistics}
