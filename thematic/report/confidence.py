"""The report's confidence sections: the Summary of Qualitative Findings, the GRADE-CERQual
evidence profile (an appendix), the PRISMA 2020 flow, and the ENTREQ checklist.

``build(store, index, ctx)`` returns the context keys ``findings``, ``prisma`` and
``entreq`` (documented in CONTEXT.md). Call it before the traceability appendix is filled:
the divergent cases it links must be anchored there. ``figures(ctx, name)`` returns the
PRISMA figure files (PNG and SVG) for render to write.
"""

from __future__ import annotations

from thematic.report.index import Index
from thematic.report.markdown import anchor

PRISMA_FIGURE = "prisma-flow"


def build(store, index: Index, ctx: dict) -> dict:
    from thematic.report import components

    found = components.call("thematic.findings.cerqual", "profiles",
                            "The GRADE-CERQual evidence profile", store)
    findings = _findings(store, index, ctx, found.value) if found.ok else {
        "available": False, "note": found.note, "rows": [], "rule": None, "scope": {}}
    flow = components.call("thematic.findings.prisma", "flow", "The PRISMA 2020 flow", store)
    prisma = _prisma(flow.value) if flow.ok else {"available": False, "note": flow.note,
                                                  "rows": [], "claim": {}, "figure": None}
    out = {"findings": findings, "prisma": prisma}
    out["entreq"] = entreq(ctx, out)
    return out


def _level_text(level: str | None) -> str:
    return f"{level.capitalize()} confidence" if level else "Not yet assessed"


def _findings(store, index: Index, ctx: dict, profiles: list) -> dict:
    from thematic.findings.cerqual import PROPOSAL_RULE, scope

    shown = {t["id"]: t for t in ctx.get("themes", [])}
    names = {t.id: t.name for t in _themes(store)}
    rows = []
    for p in profiles:
        comps = []
        for c in p.components:
            item = {"key": c.key, "name": c.name, "summary": c.summary,
                    "judgement": c.judgement, "why": c.why, "by": c.by,
                    "at": (c.at or "")[:10] or None,
                    "cases": []}
            if c.key == "coherence":
                item["cases"] = [index.excerpt(case["excerpt"]) for case in
                                 c.evidence["cases"] if case["excerpt"] in index.excerpts]
            comps.append(item)
        ev = {c.key: c.evidence for c in p.components}
        rows.append({
            "id": p.finding.id, "anchor": anchor("finding", p.finding.id),
            "statement": p.finding.statement,
            "themes": [{"id": t, "name": names.get(t, t), "anchor": anchor("theme", t),
                        "linked": t in shown} for t in p.finding.themes],
            "study_refs": [index.study(s) for s in p.studies if s in index.sources],
            "studies": len(p.studies), "excerpts": len(p.excerpts),
            "confidence": p.overall.judgement, "confidence_text":
                _level_text(p.overall.judgement),
            "explanation": p.overall.why or "", "by": p.overall.by,
            "at": (p.overall.at or "")[:10] or None,
            "proposal": p.proposal, "proposal_text": _level_text(p.proposal)
            if p.proposal else "none yet", "proposal_note": p.proposal_note,
            "flags": p.flags, "components": comps,
            "claim": {"studies": len(p.studies), "excerpts": len(p.excerpts),
                      "codes": ev["adequacy"]["richness"],
                      "divergent": ev["coherence"]["divergent"],
                      "appraised": ev["limitations"]["appraised"],
                      "serious": ev["limitations"]["serious"],
                      "confidence": p.overall.judgement or "not assessed"}})
    return {"available": bool(rows), "rows": rows, "rule": PROPOSAL_RULE,
            "scope": scope(store),
            "note": None if rows else "No review findings have been stated yet (thematic "
                                      "finding add)."}


def _themes(store) -> list:
    from thematic.themes import list_themes

    return list_themes(store)


def _prisma(flow) -> dict:
    if not flow.available:
        return {"available": False, "rows": [], "claim": {}, "figure": None,
                "note": "No screening counts have been imported (thematic screening import), "
                        "so there is no PRISMA 2020 flow."}
    rows = [{**r, "count_text": "not reported" if r["count"] is None else str(r["count"]),
             "indent": r["key"].startswith(("source:", "reason:"))} for r in flow.table()]
    return {"available": True, "note": None, "rows": rows, "figure": None,
            "records": flow.records,
            "claim": {k: v for k, v in flow.counts.items() if v is not None},
            "not_reported": [r["item"] for r in rows if r["count"] is None]}


def figures(ctx: dict, name: str) -> list[tuple[str, bytes]]:
    """(file name relative to the report's folder, bytes) of the PRISMA figure; sets
    ``ctx["prisma"]["figure"]``."""
    prisma = ctx.get("prisma") or {}
    if not prisma.get("available"):
        return []
    from thematic.findings.prisma import ITEMS, Flow
    from thematic.findings.prisma import figure as draw

    rows = prisma["rows"]
    flow = Flow({k: prisma["claim"].get(k) for k in ITEMS},
                [(r["key"][len("reason:"):], r["count"]) for r in rows
                 if r["key"].startswith("reason:")],
                [(r["key"][len("source:"):], r["count"]) for r in rows
                 if r["key"].startswith("source:")])
    png, svg = draw(flow)
    prisma["figure"] = {"png": f"{name}/{PRISMA_FIGURE}.png",
                        "svg": f"{name}/{PRISMA_FIGURE}.svg"}
    return [(f"{PRISMA_FIGURE}.png", png), (f"{PRISMA_FIGURE}.svg", svg)]


# --- ENTREQ (Tong et al. 2012, BMC Med Res Methodol 12:181) ------------------------------

ENTREQ = ("Aim", "Synthesis methodology", "Approach to searching", "Inclusion criteria",
          "Data sources", "Electronic search strategy", "Study screening methods",
          "Study characteristics", "Study selection results", "Rationale for appraisal",
          "Appraisal items", "Appraisal process", "Appraisal results", "Data extraction",
          "Software", "Number of reviewers", "Coding", "Study comparison",
          "Derivation of themes", "Quotations", "Synthesis output")


def entreq(ctx: dict, mine: dict) -> dict:
    """Which of the 21 ENTREQ items the report covers, with links to where."""
    f, p = mine["findings"], mine["prisma"]
    has_scope = bool(f.get("scope")) and f.get("available", False)
    appraised = any(r["claim"]["appraised"] for r in f.get("rows", []))
    prisma = p.get("available", False)
    sources = prisma and any(r["key"].startswith("source:") for r in p["rows"])
    themes = bool(ctx.get("themes"))
    coders = bool(ctx.get("methods", {}).get("coders"))
    link = {"scope": ("Review scope", "review-scope"), "analysis": ("Analysis", "analysis"),
            "prisma": ("Study selection", "prisma-flow"), "sources": ("Sources", "sources"),
            "table": ("Evidence table", "evidence-table"), "themes": ("Themes", "themes"),
            "profile": ("CERQual evidence profile", "cerqual-profile"),
            "soqf": ("Summary of Qualitative Findings", "soqf"),
            "appendix": ("Traceability", "appendix-a-traceability"),
            "coding": ("Coding", "coding"), "agreement": ("Agreement", "agreement"),
            "software": ("Software", "entreq-software")}
    where = {
        1: [], 2: ["analysis"],
        3: ["prisma"] if sources else [], 4: ["scope"] if has_scope else [],
        5: ["prisma"] if sources else [], 6: [], 7: ["prisma"] if prisma else [],
        8: ["sources", "table"] if ctx.get("evidence_table", {}).get("available")
        else ["sources"],
        9: ["prisma"] if prisma else [], 10: ["profile"] if appraised else [],
        11: ["profile"] if appraised else [], 12: [], 13: ["profile"] if appraised else [],
        14: ["appendix"], 15: ["software"], 16: ["coding", "agreement"] if coders else [],
        17: ["coding"], 18: ["themes"] if themes else [],
        19: ["analysis", "themes"] if themes else ["analysis"],
        20: ["themes", "appendix"] if themes else [],
        21: ["themes", "soqf"] if themes and f.get("available") else
        (["themes"] if themes else [])}
    items = []
    for number, name in enumerate(ENTREQ, start=1):
        targets = [{"label": link[k][0], "target": link[k][1]} for k in where[number]]
        items.append({"number": number, "item": name, "covered": bool(targets),
                      "where": targets})
    return {"items": items, "covered": sum(1 for i in items if i["covered"]),
            "total": len(items)}
