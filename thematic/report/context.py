"""THE data a report template sees: plain dicts, lists, strings and numbers.

``build(store, ...)`` reads the project once and returns a ``Built`` whose ``context`` is
the documented template context (every field is described in thematic/report/CONTEXT.md).
Everything is sorted or in a documented order, and nothing depends on the clock: the only
date is the date of the project's last event, so the same project gives the same context.

Sections whose room refuses the project's data with a catalogued error (themes, network,
agreement) carry ``available: false`` and a one-line ``note`` instead of data.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from thematic.corpus.design import UNITS
from thematic.errors import ThematicError, nearest
from thematic.report import components
from thematic.report.index import Index
from thematic.report.markdown import anchor
from thematic.store.audit import count_proposed

#: The rules the report applies, stated in the report itself (and in CONTEXT.md).
OUTCOME_RULE = ("key outcomes are the outcome codes (codes whose id or name, or whose "
                "grouping's id, name or definition, mentions \"outcome\") carried by the "
                "group's studies' excerpts, most studies first; at most four")
FALLBACK_OUTCOME_RULE = ("the codebook marks no outcome codes, so the column lists the codes "
                         "carried by the most of the group's studies; at most four")


@dataclass
class Built:
    context: dict
    graph: object | None = None                   # networkx graph of themes, when built


def build(store, *, themes: list[str] | None = None, title: str | None = None,
          name: str = "report", few: int = 3, max_quotes: int = 4,
          max_divergent: int = 3, agreement_coders: list[str] | None = None,
          evidence_coders: list[str] | None = None, design: str | None = None,
          by: list[str] | None = None) -> Built:
    """Read the project and return the report context (see CONTEXT.md)."""
    from thematic import __version__
    from thematic.evidence import resolve
    from thematic.report import sections

    policy = resolve(store, evidence_coders)
    index = Index.load(store, policy.coders)
    if not index.sources and not index.excerpts:
        raise ThematicError("E354")
    notes: list[str | None] = []   # the reasons sections are missing (None: no reason)
    ctx: dict = {
        "report": {"title": title or store.get_meta("title") or "Thematic synthesis",
                   "date": _last_event_date(store), "name": name,
                   "generator": f"thematic {__version__}"},
        "project": _project(store, index),
        "methods": _methods(store, index, notes, agreement_coders),
        "evidence_table": evidence_table(index),
    }
    from thematic.report.scope import scope

    ctx["scope"] = scope(store, index)
    ctx["methods"]["evidence"] = {**policy.to_dict(), "statement": policy.statement()}
    theme_data = components.themes(store, policy.coders)
    built = Built(context=ctx)
    ctx["themes_note"] = None
    if theme_data.ok:
        chosen = _choose(theme_data.value, themes)
        if chosen:
            graph = components.theme_network(store)
        else:
            graph = components.Outcome(note="No themes have been defined yet (thematic theme "
                                            "add, or thematic theme accept).")
            ctx["themes_note"] = graph.note
        built.graph = graph.value if graph.ok else None
        if not graph.ok:
            notes.append(graph.note)
        ctx["themes"] = sections.themes(index, theme_data.value, chosen, built.graph,
                                        graph.note, few=few, max_quotes=max_quotes,
                                        max_divergent=max_divergent)
    else:
        ctx["themes"] = []
        ctx["themes_note"] = theme_data.note
        notes.append(theme_data.note)
    ctx["themes_available"] = bool(ctx["themes"])
    _design(store, index, ctx, design, by)
    ctx["gaps"] = sections.gaps(index, ctx["themes"], theme_data.value if theme_data.ok
                                else None, few=few)
    ctx["figures"] = []
    from thematic.report import candidates

    ctx["candidates"] = candidates.build(
        store, index, ctx["themes"], theme_data.value.evidence if theme_data.ok else {})
    candidates.annotate_origins(store, ctx["themes"])
    from thematic.report import confidence

    # before the appendix is filled: the CERQual profile links divergent excerpts there
    ctx.update(confidence.build(store, index, ctx))
    from thematic.report import cfir as cfir_section

    ctx["cfir"] = cfir_section.build(store, index)
    ctx["appendix"] = sections.appendix(ctx["themes"])
    sections.fill_appendix(index, ctx, theme_data.value.evidence if theme_data.ok else {})
    ctx["references"] = references(index)
    ctx["rules"] = {"quotes": sections.QUOTE_RULE.format(one=ctx["unit"]["one"]),
                    "divergent": sections.DIVERGENT_RULE,
                    "divergent_phrases": list(sections.DIVERGENT_PHRASES),
                    "outcomes": ctx["evidence_table"]["rule"], "few": few,
                    "share": "share of {0} is the number of {0} with evidence for the theme "
                             "divided by the number of {0} that contribute "
                             "excerpts".format(ctx["unit"]["many"])}
    ctx["rules"]["cooccurrence"] = _cooccurrence_rule() if built.graph is not None else None
    ctx["notes"] = [n for n in notes if n]
    ctx["project"]["themes"] = len(theme_data.value.themes) if theme_data.ok else 0
    return built


def _design(store, index: Index, ctx: dict, setting: str | None, by: list[str] | None
            ) -> None:
    """ctx["design"] and the citation lists that move to Appendix B (see design.py)."""
    from thematic.report import design as des

    kind, detected = des.detect(index, setting)
    ctx["design"] = {"kind": kind, "detected": detected, "cite_limit": des.CITE_LIMIT,
                     "table": des.table(index, ctx["themes"], kind, by)}
    one, many = UNITS[kind]
    ctx["unit"] = {"one": one, "many": many, "Many": many.capitalize()}
    ctx["appendix_sources"] = [
        {"id": t["id"], "name": t["name"], "anchor": t["anchor"],
         "list_anchor": t["collapsed"]["anchor"],
         "studies": t["study_refs"] if t["collapsed"]["studies"] else [],
         "divergent": t["divergent"]["cases"] if t["collapsed"]["divergent"] else []}
        for t in des.collapse(ctx["themes"], kind)]


def _cooccurrence_rule() -> str:
    import thematic.network as network

    alpha = getattr(network, "ALPHA", 0.05)
    return ("Two themes co-occur when one excerpt carries evidence for both; a link is said to "
            "occur more often than chance when a one-sided hypergeometric test (Fisher's exact "
            "test) gives a Benjamini–Hochberg q below "
            f"{alpha:g} across all pairs of themes.")


def _last_event_date(store) -> str | None:
    from thematic.store.reports import last_change_ts

    # a report render changes no evidence: the next report keeps the same date
    stamp = last_change_ts(store)
    return str(stamp)[:10] if stamp else None


def _choose(data, wanted: list[str] | None) -> list:
    if not wanted:
        return list(data.themes)
    by_id = {t.id: t for t in data.themes}
    by_name = {t.name.casefold(): t for t in data.themes}
    chosen = []
    for item in wanted:
        found = by_id.get(item) or by_name.get(item.casefold())
        if found is None:
            raise ThematicError("E353", value=item, suggest=nearest(item, list(by_id)))
        if found not in chosen:
            chosen.append(found)
    return sorted(chosen, key=lambda t: (t.position, t.id))


# --- project and methods ---------------------------------------------------------------

def _project(store, index: Index) -> dict:
    # sets made by C loops over the rows (250k codings at 100k excerpts)
    rows = index.accepted
    proposed = count_proposed(store)
    return {"studies": len(index.sources),
            "studies_with_excerpts": len(set(index.sources_by_excerpt().values())),
            "excerpts": len(index.excerpts),
            "coded_excerpts": len(set(map(itemgetter(0), rows))),
            "codings": len(rows), "proposed": proposed, "themes": 0,
            "pairs": len(set(map(itemgetter(0, 1, 2), rows))),
            "codes": len(set(map(itemgetter(1, 2), rows))),
            "coders": len(set(map(itemgetter(3), rows)))}


def _methods(store, index: Index, notes: list[str | None], agreement_coders: list[str] | None
             ) -> dict:
    years = sorted(s.year for s in index.sources.values() if s.year)
    designs: dict[str, int] = {}
    for source in index.sources.values():
        if source.design:
            designs[source.design] = designs.get(source.design, 0) + 1
    # counted by C loops over the rows (250k codings at 100k excerpts)
    rows = index.accepted
    codings = Counter(map(itemgetter(3), rows))
    excerpts = Counter(map(itemgetter(0), set(map(itemgetter(3, 0), rows))))
    coders = {name: {"name": name, "codings": n, "excerpts": excerpts[name]}
              for name, n in codings.items()}
    books = list(index.books.values()) or list(index.current.values())
    used = Counter(map(itemgetter(1), rows))
    agreement = _agreement(store, agreement_coders)
    if not agreement["available"]:
        notes.append(agreement["note"])
    return {
        "years": {"first": years[0], "last": years[-1]} if years else None,
        "designs": [{"design": d, "studies": n}
                    for d, n in sorted(designs.items(), key=lambda kv: (-kv[1], kv[0]))],
        "studies_without_design": sum(1 for s in index.sources.values() if not s.design),
        "codebooks": [{"name": b.name, "title": b.title, "version": b.version,
                       "hash": b.hash, "short_hash": b.hash[:12],
                       "codes": len(b.codes), "codable": sum(1 for c in b.codes if c.codable),
                       "codings": used.get(b.id, 0)}
                      for b in sorted(books, key=lambda b: (b.name, b.id)) if b is not None],
        "coders": [{"name": r["name"], "codings": r["codings"], "excerpts": r["excerpts"]}
                   for r in sorted(coders.values(), key=lambda r: r["name"])],
        "agreement": agreement,
    }


def _agreement(store, coders: list[str] | None) -> dict:
    outcome = components.agreement(store, coders=coders)
    if not outcome.ok:
        return {"available": False, "statistics": [], "coders": coders or [],
                "excerpts": None, "codebook": None, "version": None, "level": None,
                "note": outcome.note}
    summary = outcome.value
    # Agreement with an automatic coder validates the automation; it is not inter-human
    # reliability, and the report must not let it read as such.
    summary["automatic"] = [c for c in summary.get("coders", []) if c.startswith("auto:")]
    summary["available"] = bool(summary["statistics"])
    summary["note"] = None if summary["statistics"] else (
        "Inter-coder agreement was measured but gave no pooled figure.")
    return summary


# --- the evidence table (the review's Table 1) -----------------------------------------

ATTRIBUTES = ("intervention_type", "setting", "population")


def _is_outcome(index: Index, codebook_id: int, code_id: str) -> bool:
    book = index.books.get(codebook_id)
    if book is None:
        return False
    code = book.code(code_id)
    seen = 0
    first = True
    while code is not None and seen < 50:
        words = f"{code.id} {code.name}" + ("" if first or code.codable
                                            else f" {code.definition}")
        if re.search(r"outcome", words, re.IGNORECASE) or code.data.get("outcome"):
            return True
        code = book.code(code.parent) if code.parent else None
        first, seen = False, seen + 1
    return False


def evidence_table(index: Index) -> dict:
    """Studies grouped by intervention type × setting × population, with key outcomes."""
    groups: dict[tuple, list[str]] = {}
    for source in index.sources.values():
        key = tuple((getattr(source, a) or "").strip() for a in ATTRIBUTES)
        if any(key):
            groups.setdefault(key, []).append(source.id)
    left_out = len(index.sources) - sum(len(v) for v in groups.values())
    if not groups:
        return {"available": False, "rows": [], "left_out": left_out, "rule": OUTCOME_RULE,
                "outcome_codes": False,
                "note": "No study records an intervention type, setting or population, so "
                        "there is no evidence table."}
    # decided once per (codebook, code), not once per coding
    outcome = {pair: _is_outcome(index, *pair)
               for pair in dict.fromkeys(map(itemgetter(1, 2), index.accepted))}
    outcome_codes = any(outcome.values())
    per_study: dict[str | None, dict[tuple, str]] = {}
    for coding in index.accepted:
        if outcome_codes and not outcome[coding.codebook_id, coding.code_id]:
            continue
        source = index.source_of(coding.excerpt_id)
        book = index.books.get(coding.codebook_id)
        per_study.setdefault(source, {})[(book.name if book else "", coding.code_id)] = \
            index.code_name(book.name if book else None, coding.code_id)
    rows = []
    for key in sorted(groups, key=lambda k: tuple(x.casefold() for x in k)):
        studies = index.study_order(groups[key])
        counts: dict[tuple, int] = {}
        names: dict[tuple, str] = {}
        for sid in studies:
            for code_key, code_name in per_study.get(sid, {}).items():
                counts[code_key] = counts.get(code_key, 0) + 1
                names[code_key] = code_name
        top = sorted(counts, key=lambda k: (-counts[k], names[k].casefold(), k))[:4]
        rows.append({**dict(zip(ATTRIBUTES, key)), "outcomes": [names[k] for k in top],
                     "studies": [index.study(s) for s in studies]})
    return {"available": True, "rows": rows, "left_out": left_out,
            "outcome_codes": outcome_codes,
            "rule": OUTCOME_RULE if outcome_codes else FALLBACK_OUTCOME_RULE, "note": None}


# --- references ------------------------------------------------------------------------

def references(index: Index) -> list[dict]:
    out = []
    for source in index.sources.values():
        out.append({"id": source.id, "anchor": anchor("study", source.id),
                    "citation": source.citation, "first_author": source.first_author,
                    "authors": source.authors, "year": source.year, "title": source.title,
                    "journal": source.journal, "doi": source.doi, "design": source.design,
                    "country": source.country})
    return out
