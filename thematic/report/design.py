"""The report's shape follows the project's design: a review (studies), interviews
(participants' turns) or a survey (many respondents with a few answers each).

``detect`` reads the design from the data unless it is set (``report --design``).
``table`` gives the evidence table the design calls for:
review → the studies table of context.evidence_table (unchanged); interviews → one row per
participant with their attributes and the themes they speak to; survey → for one or two
attributes (``--by``), each theme's respondents per group with counts and shares.
``collapse`` marks citation lists too long to print inline (they go to Appendix B).
"""

from __future__ import annotations

import re

from thematic.corpus.design import DESIGNS, classify
from thematic.errors import ThematicError, nearest
from thematic.report.index import Index
from thematic.report.markdown import anchor

CITE_LIMIT = 12          # longer citation lists become a count and go to Appendix B
MAX_GROUPS = 12          # an attribute with more values is no use as a breakdown
_HIDDEN = {"created_by"}


def detect(index: Index, setting: str | None = None) -> tuple[str, bool]:
    """(design, detected): the setting when given, else from the data."""
    if setting:
        if setting not in DESIGNS:
            raise ThematicError("E505", value=setting, choices=", ".join(DESIGNS),
                                suggest=nearest(setting, DESIGNS))
        return setting, False
    excerpts = index.excerpts.values()
    contributing = {e.source_id for e in excerpts}
    bare = [s for s in contributing if s in index.sources
            and not (index.sources[s].year or index.sources[s].title)]
    return classify(speakers=any(e.speaker for e in excerpts),
                    context=any(e.context for e in excerpts), bare_sources=len(bare)), True


def _attributes(index: Index, sources: list[str]) -> dict[str, dict[str, str]]:
    """attribute → {source id → value} over ``sources`` (study fields and extra columns)."""
    from thematic.store.corpus import SOURCE_FIELDS

    out: dict[str, dict[str, str]] = {}
    for sid in sources:
        source = index.sources.get(sid)
        if source is None:
            continue
        values = {f: getattr(source, f) for f in SOURCE_FIELDS if f not in
                  ("first_author", "authors", "title", "journal", "doi")}
        values.update(source.attributes)
        for key, value in values.items():
            if key not in _HIDDEN and value not in (None, ""):
                out.setdefault(key, {})[sid] = str(value)
    return out


def choose_by(index: Index, sources: list[str], wanted: list[str] | None) -> list[str]:
    """The attributes to break themes down by: ``wanted``, else up to two that most sources
    record with 2–12 distinct values (fewest values first)."""
    attrs = _attributes(index, sources)
    if wanted:
        for name in wanted:
            if name not in attrs:
                raise ThematicError("E506", value=name, known=", ".join(sorted(attrs)) or
                                    "none", suggest=nearest(name, list(attrs)))
        return list(wanted)[:2]
    fit = [(len(set(v.values())), k) for k, v in attrs.items()
           if len(v) >= 0.8 * len(sources) and 2 <= len(set(v.values())) <= MAX_GROUPS]
    return [k for _, k in sorted(fit)[:2]]


def table(index: Index, themes: list[dict], design: str, by: list[str] | None) -> dict:
    """The design's evidence table (see the module docstring and CONTEXT.md)."""
    sources = index.study_order({e.source_id for e in index.excerpts.values()})
    if design == "interviews":
        return _participants(index, themes, sources)
    if design == "survey":
        return _breakdown(index, themes, sources, choose_by(index, sources, by))
    return {"kind": "review"}


def _participants(index: Index, themes: list[dict], sources: list[str]) -> dict:
    attrs = _attributes(index, sources)
    columns = sorted(k for k, v in attrs.items() if len(set(v.values())) > 1 or
                     len(sources) == 1)[:4]
    turns: dict[str, int] = {}
    for excerpt in index.excerpts.values():
        turns[excerpt.source_id] = turns.get(excerpt.source_id, 0) + 1
    rows = []
    for sid in sources:
        rows.append({"study": index.study(sid),
                     "attributes": [attrs.get(c, {}).get(sid, "") for c in columns],
                     "excerpts": turns.get(sid, 0),
                     "themes": [{"name": t["name"], "anchor": t["anchor"],
                                 "excerpts": t["by_study"][sid]}
                                for t in themes if sid in t["by_study"]]})
    return {"kind": "interviews", "columns": columns, "rows": rows}


def _breakdown(index: Index, themes: list[dict], sources: list[str], by: list[str]) -> dict:
    attrs = _attributes(index, sources)
    tables = []
    for name in by:
        values = attrs.get(name, {})
        groups: dict[str, list[str]] = {}
        for sid in sources:
            groups.setdefault(values.get(sid, "(not recorded)"), []).append(sid)
        order = sorted(groups, key=_group_order)
        rows = []
        for theme in themes:
            cells = []
            for group in order:
                n = sum(1 for sid in groups[group] if sid in theme["by_study"])
                total = len(groups[group])
                cells.append({"count": n, "of": total, "share": n / total if total else 0.0,
                              "share_text": f"{round(100 * n / total) if total else 0:d}%"})
            rows.append({"name": theme["name"], "anchor": theme["anchor"], "cells": cells,
                         "count": theme["studies"]})
        tables.append({"attribute": name, "groups": [{"value": g, "sources": len(groups[g])}
                                                     for g in order], "rows": rows})
    return {"kind": "survey", "by": by, "tables": tables, "sources": len(sources)}


def _group_order(value: str) -> tuple:
    """Groups in a natural order: '(not recorded)' last; a value holding a number by that
    number ('low (0-6)' before 'middle (7-8)' before 'high (9-10)'), else alphabetically."""
    number = re.search(r"\d+(?:\.\d+)?", value)
    return (value == "(not recorded)", number is None,
            float(number.group(0)) if number else 0.0, value.casefold())


def collapse(themes: list[dict], design: str) -> list[dict]:
    """Mark long citation lists (not in a review, whose report stays as it is); returns the
    themes whose lists go to Appendix B."""
    moved = []
    for theme in themes:
        long_studies = design != "review" and len(theme["study_refs"]) > CITE_LIMIT
        long_cases = design != "review" and len(theme["divergent"]["cases"]) > CITE_LIMIT
        theme["collapsed"] = {"studies": long_studies, "divergent": long_cases,
                              "anchor": anchor("sources", theme["id"])}
        if long_studies or long_cases:
            moved.append(theme)
    return moved
