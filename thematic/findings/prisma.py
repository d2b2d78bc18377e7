"""The PRISMA 2020 flow (Page et al. 2021, BMJ 372:n71): counts from a screening log or a
counts file, checked for consistency, drawn as a figure (PNG and SVG) and listed as a table.

A count the review does not report stays unknown (None): it is printed as "not reported",
never guessed, and sums that involve it are not checked.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from thematic.errors import ThematicError
from thematic.store import findings as db
from thematic.store.db import Store

#: key → (phase, the PRISMA 2020 box text)
ITEMS = {
    "identified": ("Identification", "Records identified from databases and registers"),
    "duplicates": ("Identification", "Duplicate records removed"),
    "automation": ("Identification", "Records marked as ineligible by automation tools"),
    "removed_other": ("Identification", "Records removed for other reasons"),
    "screened": ("Screening", "Records screened"),
    "screen_excluded": ("Screening", "Records excluded"),
    "sought": ("Screening", "Reports sought for retrieval"),
    "not_retrieved": ("Screening", "Reports not retrieved"),
    "assessed": ("Screening", "Reports assessed for eligibility"),
    "excluded": ("Screening", "Reports excluded"),
    "included": ("Included", "Studies included in review"),
}
ALIASES = {"records_identified": "identified", "duplicates_removed": "duplicates",
           "records_screened": "screened", "records_excluded": "screen_excluded",
           "reports_sought": "sought", "reports_not_retrieved": "not_retrieved",
           "reports_assessed": "assessed", "reports_excluded": "excluded",
           "studies_included": "included"}
#: The sums PRISMA 2020 implies: (result, [(sign, term), ...]).
SUMS = (("screened", [(1, "identified"), (-1, "duplicates"), (-1, "automation"),
                      (-1, "removed_other")]),
        ("sought", [(1, "screened"), (-1, "screen_excluded")]),
        ("assessed", [(1, "sought"), (-1, "not_retrieved")]),
        ("included", [(1, "assessed"), (-1, "excluded")]))
STAGES = ("identification", "screening", "retrieval", "eligibility", "included")
_EXCLUDE = {"exclude", "excluded", "duplicate", "removed", "not retrieved", "no", "reject",
            "rejected"}
_INCLUDE = {"include", "included", "yes", "retrieved", "eligible"}
# The terms that may be missing from a sum without making it unknown (PRISMA boxes a review
# often leaves out, meaning none were removed that way).
_OPTIONAL = {"automation", "removed_other"}


@dataclass
class Flow:
    counts: dict[str, int | None]
    reasons: list[tuple[str, int]] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    records: int = 0                       # screening-log records, 0 for a counts file

    @property
    def available(self) -> bool:
        return any(v is not None for v in self.counts.values())

    def table(self) -> list[dict]:
        """One row per PRISMA item: phase, item, count (None = not reported)."""
        rows = []
        for key, (phase, label) in ITEMS.items():
            if key in _OPTIONAL and self.counts.get(key) is None:
                continue
            rows.append({"key": key, "phase": phase, "item": label,
                         "count": self.counts.get(key)})
            if key == "identified":
                rows += [{"key": f"source:{s}", "phase": phase, "item": f"  from {s}",
                          "count": n} for s, n in self.sources]
            if key == "excluded":
                rows += [{"key": f"reason:{r}", "phase": phase, "item": f"  {r}",
                          "count": n} for r, n in self.reasons]
        return rows


def broken_sums(counts: dict[str, int | None], reasons: Sequence[tuple[str, int]] = (),
                sources: Sequence[tuple[str, int]] = ()) -> list[str]:
    """A sentence for each sum that does not add up (sums with an unknown term skipped)."""
    out = []
    for result, terms in SUMS:
        if counts.get(result) is None:
            continue
        values = []
        for sign, key in terms:
            value = counts.get(key)
            if value is None and key in _OPTIONAL:
                continue
            if value is None:
                break
            values.append((sign, key, value))
        else:
            total = sum(sign * value for sign, _, value in values)
            if total != counts[result]:
                text = " ".join(("" if i == 0 else ("+ " if sign > 0 else "− "))
                                + f"{key} ({value})" for i, (sign, key, value)
                                in enumerate(values))
                out.append(f"{text} = {total}, but {result} is {counts[result]}")
    for name, parts, key in (("the exclusion reasons", reasons, "excluded"),
                             ("the sources", sources, "identified")):
        if parts and counts.get(key) is not None:
            total = sum(n for _, n in parts)
            if total != counts[key]:
                out.append(f"{name} add up to {total}, but {key} is {counts[key]}")
    return out


def flow(store: Store) -> Flow:
    """The stored PRISMA counts (every key present; None = not reported)."""
    counts, reasons, sources = db.prisma(store)
    return Flow({k: counts.get(k) for k in ITEMS}, reasons, sources,
                db.screening_record_count(store))


# --- import -----------------------------------------------------------------------------

def import_screening(store: Store, path: str | os.PathLike, *, root: Path | None = None
                     ) -> Flow:
    """Replace the project's PRISMA counts with those of a screening log (columns record,
    source, stage, decision, reason) or a counts file (columns item, count and optionally
    reason or source); E600 when the counts do not add up, and nothing changes."""
    from thematic.corpus import readers
    from thematic.files import display_path

    path = Path(path)
    table = readers.open_sheet(path)
    lower = {c.strip().lower(): c for c in table.columns}
    if {"record", "stage", "decision"} <= set(lower):
        found, records = _from_log(path, table, lower)
    elif {"item", "count"} <= set(lower):
        found, records = _from_counts(path, table, lower), []
    else:
        raise ThematicError("E602", path=path, columns=", ".join(table.columns))
    broken = broken_sums(found.counts, found.reasons, found.sources)
    if broken:
        raise ThematicError("E600", path=path, sum="; ".join(broken))
    shown = display_path(path, root)
    with store.transaction(f"screening import {shown}"):
        db.replace_prisma(store, {k: v for k, v in found.counts.items() if v is not None},
                          found.reasons, found.sources, records)
        store.log("screening import", shown, {"counts": found.counts,
                                              "reasons": found.reasons,
                                              "sources": found.sources,
                                              "records": len({r[0] for r in records})})
    return flow(store)


def _count(path: Path, row: int, column: str, value: str) -> int | None:
    text = value.strip().replace(",", "")
    if not text or text.lower() in ("not reported", "nr", "na", "n/a", "-"):
        return None
    if not text.isdigit():
        raise ThematicError("E601", path=path, row=row, column=column,
                            problem=f"{value!r} is not a whole number",
                            fix="Give a count (0 or more), or leave it empty when the review "
                                "does not report it.")
    return int(text)


def _from_counts(path: Path, table, lower: dict[str, str]) -> Flow:
    counts: dict[str, int | None] = {k: None for k in ITEMS}
    reasons: list[tuple[str, int]] = []
    sources: list[tuple[str, int]] = []
    item_col, count_col = lower["item"], lower["count"]
    detail_col = lower.get("reason") or lower.get("source")
    for row_no, row in table.rows:
        raw = row[item_col].strip().lower().replace(" ", "_").replace("-", "_")
        key = ALIASES.get(raw, raw)
        if key not in ITEMS:
            raise ThematicError("E601", path=path, row=row_no, column=item_col,
                                problem=f"{row[item_col]!r} is not a PRISMA 2020 item",
                                fix="Use one of: " + ", ".join(ITEMS) + ".")
        value = _count(path, row_no, count_col, row[count_col])
        detail = row[detail_col].strip() if detail_col else ""
        if detail and key in ("excluded", "identified"):
            if value is not None:
                (reasons if key == "excluded" else sources).append((detail, value))
            continue
        if counts[key] is not None:
            raise ThematicError("E601", path=path, row=row_no, column=item_col,
                                problem=f"{key} is given twice", fix="Give each item once.")
        counts[key] = value
    for key, parts in (("excluded", reasons), ("identified", sources)):
        if counts[key] is None and parts:
            counts[key] = sum(n for _, n in parts)
    return Flow(counts, reasons, sources)


def _from_log(path: Path, table, lower: dict[str, str]):
    rec_col, stage_col, dec_col = lower["record"], lower["stage"], lower["decision"]
    src_col, why_col = lower.get("source"), lower.get("reason")
    furthest: dict[str, tuple[int, int, str, str, str]] = {}   # record → stage, row, …
    rows = []
    for row_no, row in table.rows:
        rid = row[rec_col].strip()
        stage = row[stage_col].strip().lower()
        if not rid:
            raise ThematicError("E601", path=path, row=row_no, column=rec_col,
                                problem="the record id is empty", fix="Give every record an id.")
        if stage not in STAGES:
            raise ThematicError("E601", path=path, row=row_no, column=stage_col,
                                problem=f"{row[stage_col]!r} is not a stage",
                                fix="Use one of: " + ", ".join(STAGES) + ".")
        decision = row[dec_col].strip().lower()
        if decision not in _EXCLUDE | _INCLUDE:
            raise ThematicError("E601", path=path, row=row_no, column=dec_col,
                                problem=f"{row[dec_col]!r} is not a decision",
                                fix="Write include or exclude (duplicate, not retrieved).")
        source = row[src_col].strip() if src_col else ""
        reason = row[why_col].strip() if why_col else ""
        rows.append((rid, source, stage, decision, reason, row_no))
        at = STAGES.index(stage)
        if rid not in furthest or at >= furthest[rid][0]:
            old_source = furthest[rid][4] if rid in furthest else ""
            furthest[rid] = (at, row_no, decision, reason, source or old_source)
    counts = {k: 0 for k in ("identified", "duplicates", "screen_excluded", "not_retrieved",
                             "excluded", "included")}
    reasons: dict[str, int] = {}
    sources: dict[str, int] = {}
    for rid, (at, row_no, decision, reason, source) in furthest.items():
        counts["identified"] += 1
        sources[source or "not stated"] = sources.get(source or "not stated", 0) + 1
        if decision in _INCLUDE:
            if at < STAGES.index("eligibility"):
                raise ThematicError("E601", path=path, row=row_no, column=stage_col,
                                    problem=f"record {rid!r} is included at the "
                                    f"{STAGES[at]} stage but has no later decision",
                                    fix="Add its eligibility decision (full-text "
                                        "assessment).")
            counts["included"] += 1
            continue
        key = ("duplicates", "screen_excluded", "not_retrieved", "excluded", "excluded")[at]
        counts[key] += 1
        if key == "excluded":
            if not reason:
                raise ThematicError("E601", path=path, row=row_no, column=why_col or "reason",
                                    problem=f"record {rid!r} is excluded at full text "
                                    "without a reason", fix="PRISMA 2020 reports a reason "
                                    "for every excluded report: give one.")
            reasons[reason] = reasons.get(reason, 0) + 1
    full: dict[str, int | None] = {k: None for k in ITEMS}
    full.update(counts)
    screened = counts["identified"] - counts["duplicates"]
    sought = screened - counts["screen_excluded"]
    full["screened"], full["sought"] = screened, sought
    full["assessed"] = sought - counts["not_retrieved"]
    return (Flow(full, sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
                 sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])), len(furthest)),
            rows)


# --- the figure -------------------------------------------------------------------------

def _n(value: int | None) -> str:
    return "n = not reported" if value is None else f"n = {value}"


def figure(found: Flow) -> tuple[bytes, bytes]:
    """The PRISMA 2020 flow diagram as (PNG bytes, SVG bytes): boxes and arrows."""
    from itertools import pairwise

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    c = found.counts
    removed = [f"Duplicate records removed ({_n(c['duplicates'])})"]
    for key in ("automation", "removed_other"):
        if c.get(key) is not None:
            removed.append(f"{ITEMS[key][1]} ({_n(c[key])})")
    identified = ["Records identified from databases", f"and registers ({_n(c['identified'])})"]
    identified += [f"  {s} (n = {n})" for s, n in found.sources]
    excluded = [f"Reports excluded ({_n(c['excluded'])})"]
    excluded += [f"  {r} (n = {n})" for r, n in found.reasons]
    rows = [(identified, removed, "Identification"),
            ([f"Records screened ({_n(c['screened'])})"],
             [f"Records excluded ({_n(c['screen_excluded'])})"], "Screening"),
            ([f"Reports sought for retrieval ({_n(c['sought'])})"],
             [f"Reports not retrieved ({_n(c['not_retrieved'])})"], "Screening"),
            ([f"Reports assessed for eligibility ({_n(c['assessed'])})"], excluded,
             "Screening"),
            ([f"Studies included in review ({_n(c['included'])})"], None, "Included")]
    rows = [(_wrap(left), _wrap(right) if right else None, phase)
            for left, right, phase in rows]
    heights = [max(1.15, max(len(left), len(right or [])) * 0.2 + 0.3)
               for left, right, _ in rows]
    gap = 0.45
    total = sum(heights) + gap * (len(rows) - 1)
    with matplotlib.rc_context({"svg.hashsalt": "thematic-prisma", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        fig = MplFigure(figsize=(10, total + 0.6), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 10)
        ax.set_ylim(-0.3, total + 0.3)
        ax.axis("off")
        y = total
        centres = []
        phase_spans: dict[str, list[float]] = {}
        for (left, right, phase), h in zip(rows, heights):
            top, bottom = y, y - h
            _box(ax, FancyBboxPatch, 1.0, bottom, 4.0, h, left)
            if right:
                _box(ax, FancyBboxPatch, 5.8, bottom, 4.0, h, right)
                ax.add_patch(FancyArrowPatch((5.0, bottom + h / 2), (5.8, bottom + h / 2),
                                             arrowstyle="-|>", mutation_scale=14, lw=1.2,
                                             color="#333333"))
            centres.append((top, bottom))
            span = phase_spans.setdefault(phase, [top, bottom])
            span[0], span[1] = max(span[0], top), min(span[1], bottom)
            y = bottom - gap
        for (_, bottom), (top, _) in pairwise(centres):
            ax.add_patch(FancyArrowPatch((3.0, bottom), (3.0, top), arrowstyle="-|>",
                                         mutation_scale=14, lw=1.2, color="#333333"))
        for phase, (top, bottom) in phase_spans.items():
            ax.add_patch(FancyBboxPatch((0.1, bottom), 0.6, top - bottom,
                                        boxstyle="round,pad=0.02", fc="#cfe2f3",
                                        ec="#6fa8dc", lw=1.0))
            ax.text(0.4, (top + bottom) / 2, phase, rotation=90, ha="center", va="center",
                    fontsize=9, fontweight="bold")
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=110, metadata={"Software": None})
        FigureCanvasSVG(fig)
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()


def _wrap(lines: list[str], width: int = 56) -> list[str]:
    import textwrap

    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()))
        out += textwrap.wrap(line, width, initial_indent=indent,
                             subsequent_indent=indent + "  ") or [""]
    return out


def _box(ax, patch, x: float, y: float, w: float, h: float, lines: list[str]) -> None:
    ax.add_patch(patch((x, y), w, h, boxstyle="round,pad=0.02", fc="white", ec="#333333",
                       lw=1.2))
    ax.text(x + 0.12, y + h - 0.2, "\n".join(lines), ha="left", va="top", fontsize=9,
            linespacing=1.5)
