"""The theme sections, evidence gaps and traceability appendix of the report context.

The rules that choose quotes and flag divergent cases are plain, deterministic and stated
in the report (QUOTE_RULE, DIVERGENT_RULE), so a reader can check every choice.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from itertools import chain, filterfalse
from operator import itemgetter, neg

# The divergence rule lives upstream so findings (CERQual coherence) apply the same one.
from thematic.divergence import (  # noqa: F401  (re-exported: report and audit use them)
    DIVERGENT_PHRASES,
    DIVERGENT_RULE,
    divergent_phrases,
    theme_terms,
)
from thematic.report.index import Index
from thematic.report.markdown import anchor, quote_text
from thematic.report.rows import Entries

#: Excerpts shorter than this ("Nothing.", "Professionalism.") are quoted only when the
#: theme has nothing longer.
MIN_QUOTE = 40
#: Word overlap (Jaccard) at which a candidate quote repeats one already chosen.
SIMILAR = 0.5
# {one}: what a source is called in the report's design (a study, a respondent …)
QUOTE_RULE = ("Illustrative quotes are chosen from the theme's excerpts, one per {one}, up to "
              "four: excerpts that match no divergence phrase come first, then those of at "
              f"least {MIN_QUOTE} characters, then those carrying "
              "more of the theme's codes, then shorter ones, then the order of import, skipping "
              f"one that shares {SIMILAR:.0%} of its words with a quote already chosen; a theme "
              "resting on a single {one} gets a second quote from that {one}. A quote is the "
              "excerpt's first line, cut at a word boundary after at most 400 characters "
              "(marked […]). Divergent cases already quoted as illustrative are not quoted "
              "again; at most three more are.")



def _pct(share: float) -> str:
    return f"{round(share * 100):d}%"


def themes(index: Index, data, chosen: list, graph, graph_note: str | None, *, few: int,
           max_quotes: int, max_divergent: int) -> list[dict]:
    shown = {t.id for t in chosen}
    by_id = {t.id: t for t in data.themes}
    codes_of = index.codes_by_excerpt()
    # The denominator is the studies in the analysis (those with excerpts), as the network
    # room's node prevalence and audit's share check use.
    total = len(set(index.sources_by_excerpt().values()))
    out = []
    for number, theme in enumerate(chosen, start=1):
        ev = data.evidence[theme.id]
        excerpts = index.known(ev.excerpts, ev)
        # counted in C (25k excerpts a theme at 100k); the order is set below
        by_study = Counter(map(index.sources_by_excerpt().__getitem__, excerpts))
        studies = index.study_order(s for s in by_study if s is not None)
        share = len(studies) / total if total else 0.0
        divergent = _divergent(index, theme, excerpts, codes_of, ev.by_code)
        quotes = _quotes(index, theme, ev, excerpts, divergent, max_quotes)
        quoted = {q["id"] for q in quotes}
        out.append({
            "id": theme.id, "number": number, "anchor": anchor("theme", theme.id),
            "name": theme.name,
            "description": " ".join((theme.description or "").split()),
            "level": theme.level, "codebook": theme.codebook,
            "parent": _theme_ref(by_id.get(theme.parent_id), shown),
            "children": [_theme_ref(t, shown) for t in data.themes if t.parent_id == theme.id],
            "studies": len(studies), "excerpts": len(excerpts), "share": share,
            "share_text": _pct(share), "few": 0 < len(studies) < few,
            "study_refs": [index.study(s) for s in studies],
            "by_study": {s: by_study[s] for s in index.study_order(by_study)},
            "codes": _codes(index, theme, ev),
            "topic_members": len(index.known(ev.topic_members, ev)),
            # members reassigned from HDBSCAN's outliers: counted by the evidence policy
            # (marked), or left out (said, so a reader knows they exist)
            "reassigned": [index.excerpt(e) for e in ev.reassigned if e in index.excerpts],
            "reassigned_left_out": len([e for e in ev.reassigned_left_out
                                        if e in index.excerpts]),
            "topics": [list(pair) for pair in theme.topics],
            "origins": [],
            "quotes": quotes,
            "cooccurring": _cooccurring(graph, graph_note, theme.id, by_id, shown),
            "divergent": {"count": len(divergent),
                          "cases": [{**index.excerpt(e), "phrases": divergent[e]["phrases"],
                                     "contrary": divergent[e]["contrary"]}
                                    for e in divergent],
                          "quotes": [_quote(index, e, divergent[e]["phrases"])
                                     for e in [e for e in divergent
                                               if e not in quoted][:max_divergent]]},
        })
    return out


def _theme_ref(theme, shown: set) -> dict | None:
    if theme is None:
        return None
    return {"id": theme.id, "name": theme.name, "anchor": anchor("theme", theme.id),
            "linked": theme.id in shown}


def _codes(index: Index, theme, ev) -> list[dict]:
    order = list(theme.codes) + sorted(
        (c for c in ev.by_code if c not in theme.codes),
        key=lambda c: (getattr(index.code(theme.codebook, c), "position", 1 << 30), c))
    out = []
    for code_id in order:
        ids = index.known(ev.by_code.get(code_id, ()), ev)
        found = index.code(theme.codebook, code_id)
        out.append({"id": code_id, "name": found.name if found else code_id,
                    "group": bool(found is not None and not found.codable),
                    "excerpts": len(ids), "studies": len(index.studies_of(ids))})
    return [c for c in out if not (c["group"] and c["excerpts"] == 0)]


def _divergent(index: Index, theme, excerpts: list[str], codes_of: dict, ev_codes) -> dict:
    contrary: set[str] = set()
    for code_id in theme.codes:
        found = index.code(theme.codebook, code_id)
        if found is not None:
            listed = found.data.get("contrary") or []
            contrary.update([listed] if isinstance(listed, str) else listed)
    terms = theme_terms(index.code(theme.codebook, c) for c in
                        dict.fromkeys([*theme.codes, *ev_codes]))
    out = {}
    cued = index.cued_ids()
    # without contrary codes only an excerpt with a cue can be divergent: the others are
    # not visited (a theme has 25k excerpts at 100k, few with a cue)
    for eid in excerpts if contrary else [e for e in excerpts if e in cued]:
        phrases = divergent_phrases(index.excerpts[eid].text, terms) if eid in cued else []
        against = sorted(contrary.intersection(codes_of.get(eid, ()))) if contrary else []
        if phrases or against:
            out[eid] = {"phrases": phrases, "contrary": against}
    return out


def _quote(index: Index, excerpt_id: str, phrases: list[str] | None = None) -> dict:
    found = index.excerpts[excerpt_id]
    text, truncated = quote_text(found.text)
    return {**index.excerpt(excerpt_id), "text": text, "truncated": truncated,
            "phrases": phrases or [], "speaker": found.speaker, "context": found.context}


def _quotes(index: Index, theme, ev, excerpts: list[str], divergent: dict,
            limit: int) -> list[dict]:
    # how many of the theme's codes hold each excerpt (a code lists an excerpt once)
    overlap = Counter(chain.from_iterable(ev.by_code.values()))

    # the rank of each excerpt: (divergent, shorter than MIN_QUOTE, -codes held, size,
    # import order, id), its tuples made by zip and its parts looked up by map (in C: a
    # theme has 25k excerpts at 100k)
    sizes = index.sizes()
    size = list(map(sizes.__getitem__, excerpts))
    keys = zip(map(divergent.__contains__, excerpts), map(MIN_QUOTE.__gt__, size),
               map(neg, map(overlap.__getitem__, excerpts)), size,
               map(index.positions().__getitem__, excerpts), excerpts)
    # an excerpt of blank text (size 0) is never quoted
    ranked = _ascending(list(filter(itemgetter(3), keys)))
    chosen: list[str] = []
    seen: set[str | None] = set()
    words: list[set[str]] = []
    for eid in ranked:
        if len(chosen) >= limit:
            break
        mine = _words(index.excerpts[eid].text)
        if index.source_of(eid) not in seen and not any(_alike(mine, w) for w in words):
            chosen.append(eid)
            seen.add(index.source_of(eid))
            words.append(mine)
    for eid in ranked:
        if len(chosen) >= min(2, limit):
            break
        if eid not in chosen:
            chosen.append(eid)
    return [_quote(index, e) for e in chosen]


class _ascending:
    """The keys' last items (ids) in ascending order of the keys, sorted lazily: a theme of
    25k excerpts wants its first few quotes, not a full sort (the keys are unique: each
    ends with its id)."""

    def __init__(self, keys: list[tuple]) -> None:
        heapq.heapify(keys)
        self._heap = keys
        self._done: list[str] = []

    def __iter__(self):
        at = 0
        while True:
            if at == len(self._done):
                if not self._heap:
                    return
                self._done.append(heapq.heappop(self._heap)[-1])
            yield self._done[at]
            at += 1


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _alike(a: set[str], b: set[str]) -> bool:
    """Near-repeats (survey answers built from the same phrase) say nothing new as quotes."""
    return bool(a and b) and len(a & b) / len(a | b) >= SIMILAR


def _cooccurring(graph, note: str | None, theme_id: str, by_id: dict, shown: set) -> dict:
    if graph is None:
        return {"available": False, "note": note, "links": []}
    if theme_id not in graph:
        return {"available": True, "note": None, "links": []}
    items = []
    for other in graph.neighbors(theme_id):
        edge = graph.edges[theme_id, other]
        count = int(edge.get("count", 0) or 0)
        if count <= 0:
            continue
        q = edge.get("q_value")
        items.append({"id": other,
                      "name": graph.nodes[other].get("name") or getattr(
                          by_id.get(other), "name", str(other)),
                      "anchor": anchor("theme", other), "linked": other in shown,
                      "excerpts": count, "significant": bool(edge.get("significant", False)),
                      "q_value": None if q is None else float(q),
                      "q_text": None if q is None else _p(float(q))})
    items.sort(key=lambda i: (-i["excerpts"], not i["significant"], str(i["name"]).casefold(),
                              str(i["id"])))
    return {"available": True, "note": None, "links": items}


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


# --- gaps ------------------------------------------------------------------------------

_GAP = re.compile(r"\bgaps?\b", re.IGNORECASE)


def gaps(index: Index, rendered: list[dict], data, *, few: int) -> dict:
    """Themes and codes that name an evidence gap, themes resting on few studies, and
    codable codes nobody has applied."""
    shown = {t["id"]: t for t in rendered}
    named, gathered = [], set()
    if data is not None:
        for t in data.themes:
            if _GAP.search(f"{t.id.replace('-', ' ')} {t.name}"):
                ev = data.evidence[t.id]
                ids = index.known(ev.excerpts, ev)
                gathered.update(ev.by_code)
                item = {"kind": "theme", "id": t.id, "name": t.name,
                        "anchor": anchor("theme", t.id), "linked": t.id in shown,
                        "excerpts": len(ids), "studies": len(index.studies_of(ids)),
                        "excerpt_refs": [], "study_refs": []}
                if t.id not in shown:
                    item["excerpt_refs"] = [index.excerpt(e) for e in ids]
                    item["study_refs"] = [index.study(s) for s in index.studies_of(ids)]
                named.append(item)
    # the codes in use, in C; the excerpts of a code only for a code that names a gap
    used_codes = set(map(itemgetter(2), index.accepted))

    def excerpts_of(code_id: str) -> list[str]:
        return list(dict.fromkeys(c.excerpt_id for c in index.accepted
                                  if c.code_id == code_id))

    books = list(index.books.values()) or list(index.current.values())
    seen_codes: set[str] = set()
    unused = []
    for book in sorted((b for b in books if b is not None), key=lambda b: (b.name, b.id)):
        for code in book.codes:
            if code.id in seen_codes:
                continue
            seen_codes.add(code.id)
            if (_GAP.search(f"{code.id.replace('-', ' ')} {code.name}")
                    and code.id in used_codes and code.id not in gathered):
                ids = sorted(excerpts_of(code.id), key=index.position)
                named.append({"kind": "code", "id": code.id, "name": code.name,
                              "anchor": None, "linked": False, "excerpts": len(ids),
                              "studies": len(index.studies_of(ids)),
                              "excerpt_refs": [index.excerpt(e) for e in ids],
                              "study_refs": [index.study(s) for s in index.studies_of(ids)]})
            if code.codable and code.id not in used_codes:
                unused.append({"id": code.id, "name": code.name, "codebook": book.name})
    thin = [{"id": t["id"], "name": t["name"], "anchor": t["anchor"], "studies": t["studies"],
             "excerpts": t["excerpts"]} for t in rendered if t["studies"] < few]
    return {"named": named, "thin": thin, "few": few, "unused_codes": unused}


# --- appendix --------------------------------------------------------------------------

def appendix(rendered: list[dict]) -> dict:
    """The appendix skeleton (theme → code); fill_appendix adds the excerpts."""
    return {"themes": [{"id": t["id"], "name": t["name"], "anchor": t["anchor"],
                        "codes": [{"id": c["id"], "name": c["name"], "excerpts": []}
                                  for c in t["codes"]], "other": [], "reassigned": []}
                        for t in rendered],
            "excerpts": []}


def fill_appendix(index: Index, ctx: dict, evidence: dict) -> None:
    """Fill the appendix once every other section has named its excerpts."""
    part = ctx["appendix"]
    known = index.excerpts
    members: list[tuple[str, list[str]]] = []    # (theme id, its excerpts), theme order
    for theme in part["themes"]:
        ev = evidence[theme["id"]]
        in_codes: set[str] = set()
        for code in theme["codes"]:
            ids = index.known(ev.by_code.get(code["id"], ()), ev)
            code["excerpts"] = index.excerpt_refs(ids)
            in_codes.update(ids)
        moved = set(ev.reassigned)
        others = list(filterfalse(in_codes.__contains__, index.known(ev.excerpts, ev)))
        theme["other"] = index.excerpt_refs([e for e in others if e not in moved])
        theme["reassigned"] = index.excerpt_refs([e for e in others if e in moved])
        members.append((theme["id"], ev.excerpts))
    codes_of = index.codes_by_excerpt()
    # import order: (position, id) of every cited excerpt the index holds
    cited = list(filter(known.__contains__, index.cited))
    order = sorted(zip(map(index.positions().__getitem__, cited), cited))
    ids = list(map(itemgetter(1), order))
    # columns, not a dict per excerpt: the filter appendix_entries writes them directly
    # (codes None: none; each excerpt's themes found only if a template asks)
    part["excerpts"] = Entries(ids, index.excerpt_refs(ids), list(map(known.__getitem__, ids)),
                               list(map(codes_of.get, ids)), members)
