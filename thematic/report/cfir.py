"""The report's CFIR section: its context (``build``) and its heatmap (``figure``).

Only accepted codings count, as everywhere in the report. Each of the five CFIR 2.0
determinant domains gets a table, even when no evidence reaches it (then it says so); the
Outcomes Addendum follows when evidence reaches it. The construct × case matrix holds the
ratings people recorded and, where none is recorded, the rating the evidence suggests,
marked as a suggestion. Every count carries a claim marker that ``thematic audit``
recomputes (thematic/audit/cfir_checks.py).
"""

from __future__ import annotations

import io
from typing import Any

from thematic.cfir.matrix import cell_text, row_cells
from thematic.report.index import Index

__all__ = ["build", "cell_text", "figure", "row_cells"]

MAX_EXCERPT_LINKS = 12      # per construct in the evidence list; the rest are counted
DETERMINANTS = ("innovation", "outer-setting", "inner-setting", "individuals", "process")


def build(store, index: Index) -> dict:
    """The ``cfir`` context (see CONTEXT.md)."""
    from thematic.cfir import framework
    from thematic.cfir.matrix import DISTINGUISH_RULE, outcome_attribute
    from thematic.cfir.matrix import build as build_matrix
    from thematic.cfir.ratings import SUGGEST_RULE
    from thematic.cfir.valence import RULE_CODER
    from thematic.cfir.view import build as build_view

    view = build_view(store)
    frame = framework.load()
    domains = []
    for domain in view.domains:
        if domain.id not in DETERMINANTS and not domain.constructs:
            continue
        domains.append({
            "id": domain.id, "name": domain.name, "studies": len(domain.studies),
            "excerpts": len(domain.excerpts), "outcomes": domain.id not in DETERMINANTS,
            "constructs": [{
                "id": c.id, "name": c.name, "studies": len(c.studies),
                "excerpts": len(c.excerpts), "barriers": c.barriers,
                "facilitators": c.facilitators, "mixed": c.mixed, "net": c.net or "",
                "codes": [{"codebook": k.codebook, "id": k.code, "name": k.name}
                          for k in c.codes],
                "evidence": [index.excerpt(e) for e in c.excerpts[:MAX_EXCERPT_LINKS]],
                "more": max(0, len(c.excerpts) - MAX_EXCERPT_LINKS)}
                for c in domain.constructs]})
    by = outcome_attribute(store)
    found = build_matrix(store, by=by, view=view)
    determinant_rows = [r for r in found.rows if r.domain in DETERMINANTS]
    cases = [c for c in found.cases if any(c in r.cells for r in determinant_rows)]
    groups = [{"value": value, "cases": [index.study(c) for c in group if c in cases]}
              for value, group in found.groups]
    matrix: dict[str, Any] = {
        "by": found.by, "high": found.high, "low": found.low, "note": found.note,
        "groups": [g for g in groups if g["cases"]],
        "cases": [index.study(c) for c in cases],
        "rows": [{"id": r.construct, "name": r.name, "domain": frame.domains[r.domain].name,
                  "cells": [cell_text(r.cells.get(c)) for c in cases],
                  "claim": row_cells(r, cases), "distinguishes": r.distinguishes,
                  "difference": r.difference}
                 for r in determinant_rows],
        "rated": sum(1 for r in found.rows for c in r.cells.values() if c.source == "rated"),
    }
    matrix["distinguishing"] = [r for r in matrix["rows"] if r["distinguishes"]]
    has_valence = bool(view.directions)
    return {
        "available": bool(view.excerpts_with_evidence) or bool(matrix["rated"]),
        "note": None if view.excerpts_with_evidence else (
            "No accepted coding reaches a CFIR 2.0 construct: load a codebook with a `cfir` "
            "crosswalk (or code with cfir2) and accept codings."),
        "excerpts": view.excerpts_with_evidence,
        "domains": domains,
        "matrix": matrix,
        "valence": {"available": has_valence, "rule_coder": RULE_CODER},
        "rules": {"suggest": SUGGEST_RULE, "distinguish": DISTINGUISH_RULE,
                  "valence": "an excerpt's direction is a person's choice where one was "
                             "recorded, else the cue-word rule's reading "
                             f"({RULE_CODER}: cue words such as barrier, hindered, lack of, "
                             "enabled, facilitated, flipped by a negation just before them)"},
        "figure": None,
    }


def figure(context: dict, name: str):
    """The construct × case heatmap as a report Figure, or None when there is no matrix."""
    from thematic.report.figures import Figure

    section = context.get("cfir") or {}
    matrix = section.get("matrix") or {}
    rows, cases = matrix.get("rows") or [], matrix.get("cases") or []
    if not rows or not cases:
        return None
    found = Figure("cfir-construct-case-heatmap", "CFIR constructs across cases: ratings "
                   "(recorded, or suggested from the evidence in brackets)")
    found.data = _heatmap(rows, cases, matrix.get("groups") or [])
    section["figure"] = {"title": found.title, "path": f"{name}/{found.id}.png"}
    return found


def _value(text: str) -> float | None:
    core = text.strip("()†")
    return {"-2": -2, "-1": -1, "0": 0, "+1": 1, "+2": 2}.get(core)


def _heatmap(rows: list[dict], cases: list[dict], groups: list[dict]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure as MplFigure

    grid = [[_value(cell) for cell in row["cells"]] for row in rows]
    masked = [[float("nan") if v is None else v for v in line] for line in grid]
    width = min(30.0, max(7.0, 4.5 + 0.26 * len(cases)))
    height = max(3.0, 1.6 + 0.3 * len(rows))
    fig = MplFigure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    # red = barrier, blue = facilitator; a colour-blind-safe diverging ramp
    cmap = ListedColormap(["#b2182b", "#ef8a62", "#f7f7f7", "#67a9cf", "#2166ac"]
                          ).with_extremes(bad="#ffffff")
    image = ax.imshow(masked, aspect="auto", cmap=cmap, vmin=-2.5, vmax=2.5,
                      interpolation="nearest")
    for i, row in enumerate(rows):
        for j, cell in enumerate(row["cells"]):
            if not cell:
                continue
            label = cell.strip("()")
            colour = "white" if _value(cell) in (-2, 2) else "black"
            ax.text(j, i, label, ha="center", va="center", fontsize=6, color=colour,
                    fontstyle="italic" if cell.startswith("(") else "normal")
    ax.set_yticks(range(len(rows)))
    # "III. Inner Setting" + "D. Culture" → "III.D. Culture": the domain stays readable
    ax.set_yticklabels([_short(r["domain"].split(" ")[0] + r["name"]) for r in rows],
                       fontsize=7)
    ax.set_xticks(range(len(cases)))
    ax.set_xticklabels([c["citation"] for c in cases], rotation=90, fontsize=6)
    at = 0
    for group in groups[:-1]:
        at += len(group["cases"])
        ax.axvline(at - 0.5, color="black", linewidth=1.2)
    if len(groups) > 1:
        at = 0
        for group in groups:
            mid = at + (len(group["cases"]) - 1) / 2
            ax.text(mid, -0.9, group["value"], ha="center", va="bottom", fontsize=8,
                    fontweight="bold")
            at += len(group["cases"])
    domain = None
    for i, row in enumerate(rows):
        if row["domain"] != domain and i:
            ax.axhline(i - 0.5, color="#555555", linewidth=0.8)
        domain = row["domain"]
    bar = fig.colorbar(image, ax=ax, fraction=0.02, pad=0.01, ticks=[-2, -1, 0, 1, 2])
    bar.ax.set_yticklabels(["−2 barrier", "−1", "0", "+1", "+2 facilitator"], fontsize=7)
    ax.set_xlabel("case (study); italic = suggested from the evidence, X = mixed", fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def _short(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
