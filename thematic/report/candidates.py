"""The candidate themes of a topic run, set beside the accepted themes.

The run shown is the newest one that an accepted theme came from (a later run does not
rewrite where a theme came from), else the latest run.

A candidate *lines up with* the accepted theme whose evidence holds most of its members;
the share is members in that theme's evidence ÷ candidate size. The report states this so a
reader can see where the topic model and the researcher's themes agree, and where they do
not. Nothing here is evidence: candidates are proposals until accepted.
"""

from __future__ import annotations

from thematic.report.index import Index
from thematic.topics.run import provenance

KEYWORDS = 6
EXAMPLES = 2
RULE = ("a candidate lines up with the theme whose evidence holds most of its member "
        "excerpts; the share is those members divided by the candidate's size")


def build(store, index: Index, themes: list[dict], evidence: dict) -> dict | None:
    """Context for the candidates section, or None when no topic model has run."""
    from thematic.store import topics

    accepted = [pair for theme in themes for pair in theme.get("topics", [])]
    run_id = max((r for r, _ in accepted), default=None) or topics.latest_run_id(store)
    if run_id is None:
        return None
    run = topics.get_run(store, run_id)
    assert run is not None  # a run the store or an accepted theme names
    became = {t: theme for theme in themes for r, t in theme.get("topics", [])
              if r == run_id}
    members: dict[int, list[str]] = {}
    for row in topics.members(store, run_id):
        members.setdefault(row[1], []).append(row[0])
    items = []
    for cand in topics.list_candidates(store, run_id, outliers=False):
        ids = sorted(members.get(cand.topic, []), key=lambda e: (index.position(e), e))
        items.append({
            "topic": cand.topic,
            "label": cand.label,
            "label_share": cand.data.get("label_share"),
            "accepted_as": _ref(became.get(cand.topic)),
            "keywords": [word for word, _ in cand.keywords[:KEYWORDS]],
            "size": cand.size,
            "studies": len({index.excerpts[e].source_id for e in ids if e in index.excerpts}),
            "codes": [c["name"] for c in cand.nearest_codes[:3]],
            "theme": _lines_up(ids, themes, evidence),
            "examples": [index.excerpt(e) for e in cand.representative[:EXAMPLES]
                         if e in index.excerpts],
        })
    params = run.params or {}
    # The share HDBSCAN left unassigned says more than the share after outlier reduction.
    share = params.get("hdbscan_outlier_share")
    return {"run": run_id, "created": run.created_at[:10], "seed": params.get("seed"),
            "provenance": provenance(run),
            "model": run.model, "documents": run.n_documents,
            "method": params.get("method", ""), "outlier_share": share,
            "outliers_left": run.outlier_share, "items": items, "rule": RULE}


def _ref(theme: dict | None) -> dict | None:
    return {"name": theme["name"], "anchor": theme.get("anchor")} if theme else None


def annotate_origins(store, themes: list[dict]) -> None:
    """Fill each theme's ``origins``: the candidates it was accepted from, with their runs."""
    from thematic.store import topics

    runs: dict[int, object] = {}
    for theme in themes:
        for run_id, topic in theme.get("topics", []):
            if run_id not in runs:
                runs[run_id] = topics.get_run(store, run_id)
            run = runs[run_id]
            cand = topics.get_candidate(store, run_id, topic)
            theme["origins"].append({
                "run": run_id, "topic": topic, "label": cand.label if cand else None,
                "provenance": provenance(run) if run else f"run {run_id} (removed)"})


def _lines_up(ids: list[str], themes: list[dict], evidence: dict) -> dict | None:
    if not ids:
        return None
    best, best_n = None, 0
    for theme in themes:
        ev = evidence.get(theme["id"])
        n = len(set(ids) & set(ev.excerpts)) if ev is not None else 0
        if n > best_n:
            best, best_n = theme, n
    if best is None:
        return None
    return {"name": best["name"], "anchor": best.get("anchor"), "id": best["id"],
            "share": f"{best_n / len(ids):.0%}"}
