"""GRADE-CERQual evidence profiles: the evidence each component needs, computed; the
reviewer's judgements, recorded with who, when and why.

The approach is Lewin et al. (2018), "Applying GRADE-CERQual to qualitative evidence
synthesis findings", Implementation Science 13(Suppl 1): paper 2 (overall assessment and
the Summary of Qualitative Findings table), papers 3–6 (methodological limitations,
coherence, adequacy, relevance). thematic computes what each component rests on; it never
judges a component. The only thing it proposes is an overall level from the reviewer's
component judgements, by paper 2's Table 5 guidance (start at high confidence; rate down at
least one level for each component with serious concerns; several minor or moderate
concerns may justify rating down one level, which is flagged, not applied), and it says
so wherever the proposal is shown.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from thematic.errors import ThematicError
from thematic.findings import appraisal as appraisal_mod
from thematic.findings.model import Finding, evidence, get_finding, list_findings
from thematic.store import findings as db
from thematic.store.db import Store

COMPONENTS = {"limitations": "Methodological limitations", "coherence": "Coherence",
              "adequacy": "Adequacy", "relevance": "Relevance"}
CONCERNS = ("no or very minor concerns", "minor concerns", "moderate concerns",
            "serious concerns")
LEVELS = ("high", "moderate", "low", "very low")
_CONCERN_ALIASES = {"no concerns": CONCERNS[0], "no or very minor": CONCERNS[0],
                    "none": CONCERNS[0], "very minor": CONCERNS[0], "minor": CONCERNS[1],
                    "moderate": CONCERNS[2], "serious": CONCERNS[3],
                    "substantial concerns": CONCERNS[3]}
SCOPE_ATTRIBUTES = ("population", "setting", "intervention_type", "country", "design")
SCOPE_KEY = "cerqual_scope"
PROPOSAL_RULE = ("thematic computes the evidence for each component; the judgements are the "
                 "reviewer's. The overall level it proposes follows Lewin et al. 2018 (paper 2, "
                 "Table 5): start at high confidence and rate down one level for each "
                 "component judged to have serious concerns; two or more minor or moderate "
                 "concerns are flagged for the reviewer, who may rate down one more level. "
                 "The proposal is never recorded as the judgement.")


@dataclass
class Component:
    key: str
    name: str
    evidence: dict
    summary: str                       # the computed evidence in one sentence
    judgement: str | None = None       # the reviewer's, or None
    why: str | None = None
    by: str | None = None
    at: str | None = None


@dataclass
class Profile:
    finding: Finding
    studies: list[str]
    excerpts: list[str]
    components: list[Component]
    overall: Component
    proposal: str | None               # a level, or None until every component is judged
    proposal_note: str
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"finding": asdict(self.finding), "studies": self.studies,
                "excerpts": self.excerpts,
                "components": [asdict(c) for c in self.components],
                "overall": asdict(self.overall), "proposal": self.proposal,
                "proposal_note": self.proposal_note, "flags": self.flags,
                "rule": PROPOSAL_RULE}


# --- the scale --------------------------------------------------------------------------

def concern(value: str, option: str = "--coherence") -> str:
    """``value`` on the component scale; E597 otherwise."""
    text = " ".join(str(value).lower().split())
    found = text if text in CONCERNS else _CONCERN_ALIASES.get(text) or _CONCERN_ALIASES.get(
        text.removesuffix(" concerns"))
    if found is None:
        raise ThematicError("E597", option=option, value=value, choices=", ".join(CONCERNS))
    return found


def level(value: str) -> str:
    """``value`` on the overall scale (high/moderate/low/very low); E597 otherwise."""
    text = " ".join(str(value).lower().split()).removesuffix(" confidence").strip()
    if text not in LEVELS:
        raise ThematicError("E597", option="--overall", value=value, choices=", ".join(LEVELS))
    return text


def propose(judged: dict[str, str | None]) -> tuple[str | None, str, list[str]]:
    """(proposed level or None, why, flags) from component judgements (paper 2, Table 5)."""
    missing = [COMPONENTS[k].lower() for k in COMPONENTS if not judged.get(k)]
    if missing:
        return None, ("no proposal until every component is judged (still to judge: "
                      + ", ".join(missing) + ")"), []
    serious = [k for k in COMPONENTS if judged[k] == CONCERNS[3]]
    some = [k for k in COMPONENTS if judged[k] in CONCERNS[1:3]]
    proposed = LEVELS[min(len(serious), len(LEVELS) - 1)]
    why = ("start at high; rate down one level for each component with serious concerns ("
           + (", ".join(COMPONENTS[k].lower() for k in serious) or "none") + ")")
    flags = []
    if len(some) >= 2:
        flags.append(f"{len(some)} components have minor or moderate concerns ("
                     + ", ".join(COMPONENTS[k].lower() for k in some)
                     + "): consider rating down one more level")
    return proposed, why, flags


# --- the review's scope (relevance) -----------------------------------------------------

def scope(store: Store) -> dict[str, list[str]]:
    """The review question's context as recorded: attribute → terms (any one matches)."""
    raw = store.get_meta(SCOPE_KEY)
    return json.loads(raw) if raw else {}


def set_scope(store: Store, **terms: list[str] | str | None) -> dict[str, list[str]]:
    """Record the review's scope per study attribute (population, setting, …)."""
    current = scope(store)
    for key, value in terms.items():
        if key not in SCOPE_ATTRIBUTES:
            raise ThematicError("E604", option=key, problem="not a study attribute; use one "
                                f"of {', '.join(SCOPE_ATTRIBUTES)}.")
        if value is None:
            continue
        items = value if isinstance(value, list) else str(value).split(";")
        clean = [" ".join(t.split()) for t in items if t.strip()]
        if clean:
            current[key] = clean
        else:
            current.pop(key, None)
    with store.transaction("cerqual scope"):
        store.set_meta(SCOPE_KEY, json.dumps(current, sort_keys=True, ensure_ascii=False))
        store.log("cerqual scope", "", current)
    return current


# --- judgements -------------------------------------------------------------------------

def set_judgement(store: Store, finding_id: str, *, why: str,
                  limitations: str | None = None, coherence: str | None = None,
                  adequacy: str | None = None, relevance: str | None = None,
                  overall: str | None = None) -> Profile:
    """Record the reviewer's judgement(s) for one finding, with who, when and why."""
    finding = get_finding(store, finding_id)
    given = {"limitations": limitations, "coherence": coherence, "adequacy": adequacy,
             "relevance": relevance}
    clean = {k: concern(v, f"--{k}") for k, v in given.items() if v is not None}
    if overall is not None:
        clean["overall"] = level(overall)
    if not clean:
        raise ThematicError("E599", finding=finding.id)
    why = " ".join(str(why or "").split())
    if not why:
        raise ThematicError("E598")
    with store.transaction(f"cerqual set {finding.id}"):
        for key, value in clean.items():
            db.add_judgement(store, finding.id, key, value, why)
        store.log("cerqual set", finding.id, {**clean, "why": why})
    return profile(store, finding.id)


def import_judgements(store: Store, path, *, root=None) -> int:
    """Record judgements from a sheet (columns finding, component, judgement, why; component
    is limitations, coherence, adequacy, relevance or overall). Every row is checked first;
    one bad row changes nothing. Returns the number recorded."""
    from pathlib import Path

    from thematic.corpus import readers
    from thematic.files import display_path

    path = Path(path)
    table = readers.open_sheet(path)
    lower = {c.strip().lower(): c for c in table.columns}
    for needed in ("finding", "component", "judgement", "why"):
        if needed not in lower:
            raise ThematicError("E595", path=path, column=needed,
                                needed="finding, component, judgement, why",
                                columns=", ".join(table.columns))
    rows = []
    for row_no, row in table.rows:
        def problem(column: str, text: str, fix: str, row_no: int = row_no) -> ThematicError:
            return ThematicError("E601", path=path, row=row_no, column=lower[column],
                                 problem=text, fix=fix)

        try:
            finding = get_finding(store, row[lower["finding"]])
        except ThematicError as exc:
            raise problem("finding", exc.message.rstrip("."), "") from None
        component = row[lower["component"]].strip().lower()
        if component not in (*COMPONENTS, "overall"):
            raise problem("component", f"{component!r} is not a CERQual component",
                          "Use limitations, coherence, adequacy, relevance or overall.")
        try:
            value = (level(row[lower["judgement"]]) if component == "overall" else
                     concern(row[lower["judgement"]], f"--{component}"))
        except ThematicError as exc:
            raise problem("judgement", exc.message.rstrip("."), "") from None
        why = " ".join(row[lower["why"]].split())
        if not why:
            raise problem("why", "the explanation is empty", "Say why, in a sentence.")
        rows.append((finding.id, component, value, why))
    shown = display_path(path, root)
    with store.transaction(f"cerqual import {shown}"):
        for finding_id, component, value, why in rows:
            db.add_judgement(store, finding_id, component, value, why)
        store.log("cerqual import", shown, {"judgements": [list(r) for r in rows]})
    return len(rows)


# --- the evidence -----------------------------------------------------------------------

def profiles(store: Store) -> list[Profile]:
    """Every finding's evidence profile, F1 first."""
    context = _Context(store)
    return [_profile(store, f, context) for f in list_findings(store)]


def profile(store: Store, finding_id: str) -> Profile:
    return _profile(store, get_finding(store, finding_id), _Context(store))


class _Context:
    def __init__(self, store: Store) -> None:
        from thematic.store.corpus import list_sources

        self.sources = {s.id: s for s in list_sources(store)}
        self.ratings = appraisal_mod.ratings(store)
        self.scope = scope(store)
        self.judged = db.judgements(store)


def _profile(store: Store, finding: Finding, ctx: _Context) -> Profile:
    ev = evidence(store, finding)
    judged = ctx.judged.get(finding.id, {})
    components = [_limitations(ev, ctx), _coherence(store, finding, ev),
                  _adequacy(ev, ctx), _relevance(ev, ctx)]
    for c in components:
        _judge(c, judged.get(c.key))
    proposed, why, flags = propose({c.key: c.judgement for c in components})
    overall = Component("overall", "Overall confidence", {}, "")
    _judge(overall, judged.get("overall"))
    return Profile(finding=finding, studies=ev.studies, excerpts=ev.excerpts,
                   components=components, overall=overall, proposal=proposed,
                   proposal_note=why, flags=flags)


def _judge(component: Component, found) -> None:
    if found is not None:
        component.judgement, component.why = found.judgement, found.why
        component.by, component.at = found.actor, found.ts


def _studies(n: int) -> str:
    return f"{n} {'study' if n == 1 else 'studies'}"


def _limitations(ev, ctx: _Context) -> Component:
    by_study = {s: ctx.ratings.get(s, appraisal_mod.NOT_APPRAISED) for s in ev.studies}
    counts = {r: 0 for r in (*appraisal_mod.RATINGS, appraisal_mod.NOT_APPRAISED)}
    for r in by_study.values():
        counts[r] += 1
    total = len(ev.studies)
    serious = counts[appraisal_mod.SERIOUS]
    appraised = total - counts[appraisal_mod.NOT_APPRAISED]
    share = serious / total if total else None
    if not appraised:
        summary = (f"none of the {_studies(total)} has been appraised"
                   if total else "no contributing study")
    else:
        parts = [f"{counts[r]} with {r}" for r in appraisal_mod.RATINGS if counts[r]]
        if counts[appraisal_mod.NOT_APPRAISED]:
            parts.append(f"{counts[appraisal_mod.NOT_APPRAISED]} not appraised")
        summary = (f"{_studies(total)}: " + ", ".join(parts) + f"; {serious} of {total} "
                   f"({round(100 * (serious / total))}%) with serious limitations")
    return Component("limitations", COMPONENTS["limitations"], {
        "studies": total, "appraised": appraised, "serious": serious, "serious_share": share,
        "ratings": {k: v for k, v in counts.items() if v}, "by_study": by_study}, summary)


def _coherence(store: Store, finding: Finding, ev) -> Component:
    from thematic.divergence import cases as divergent_cases
    from thematic.divergence import divergent_phrases
    from thematic.store import audit as adb
    from thematic.themes import get_theme

    found: dict[str, dict] = {}
    for theme_id in finding.themes:
        theme = get_theme(store, theme_id)
        for eid, case in divergent_cases(store, theme, ev.by_theme.get(theme_id, [])).items():
            entry = found.setdefault(eid, {"excerpt": eid, "themes": [], "phrases": [],
                                           "contrary": []})
            entry["themes"].append(theme_id)
            entry["phrases"] = sorted(set(entry["phrases"]) | set(case["phrases"]))
            entry["contrary"] = sorted(set(entry["contrary"]) | set(case["contrary"]))
    # the finding's own codes' excerpts get the phrase rule (no theme names contrary codes)
    in_themes = {e for ids in ev.by_theme.values() for e in ids}
    rest = [e for e in ev.excerpts if e not in found and e not in in_themes]
    for eid, (text, _) in adb.excerpt_texts(store, rest).items():
        phrases = divergent_phrases(text)
        if phrases:
            found[eid] = {"excerpt": eid, "themes": [], "phrases": phrases, "contrary": []}
    texts = adb.excerpt_texts(store, list(found))
    ordered = [dict(found[e], study=texts[e][1]) for e in ev.excerpts if e in found]
    n = len(ordered)
    studies = len({c["study"] for c in ordered})
    summary = (f"{n} of {len(ev.excerpts)} excerpts match the divergent-case rule "
               f"(from {_studies(studies)})" if n else
               f"none of the {len(ev.excerpts)} excerpts matches the divergent-case rule")
    return Component("coherence", COMPONENTS["coherence"], {
        "excerpts": len(ev.excerpts), "divergent": n, "divergent_studies": studies,
        "cases": ordered}, summary)


def _participants(source) -> int | None:
    for key, value in (source.attributes or {}).items():
        if key.strip().lower() in ("participants", "n_participants", "sample_size", "n"):
            text = str(value).replace(",", "").strip()
            if text.isdigit():
                return int(text)
    return None


def _adequacy(ev, ctx: _Context) -> Component:
    participants = {s: _participants(ctx.sources[s]) for s in ev.studies if s in ctx.sources}
    recorded = {s: n for s, n in participants.items() if n is not None}
    codes = sorted({c for cs in ev.codes_of.values() for c in cs})
    summary = (f"{_studies(len(ev.studies))}, {len(ev.excerpts)} excerpts, "
               f"{len(codes)} distinct {'code' if len(codes) == 1 else 'codes'}")
    summary += (f"; {sum(recorded.values())} participants in the {len(recorded)} studies "
                "that record them" if recorded else "; no study records its participants")
    return Component("adequacy", COMPONENTS["adequacy"], {
        "studies": len(ev.studies), "excerpts": len(ev.excerpts),
        "participants": sum(recorded.values()) if recorded else None,
        "participants_recorded": len(recorded), "richness": len(codes), "codes": codes},
        summary)


def _matches(value: str | None, terms: list[str]) -> bool:
    text = (value or "").casefold()
    return any(t.casefold() in text for t in terms)


def _relevance(ev, ctx: _Context) -> Component:
    scoped = {k: v for k, v in ctx.scope.items() if v}
    per_study: dict[str, str] = {}
    attributes: dict[str, dict] = {}
    for key, terms in scoped.items():
        attributes[key] = {"terms": terms, "match": 0, "other": 0, "not_recorded": 0}
    for sid in ev.studies:
        source = ctx.sources.get(sid)
        recorded = matched = 0
        for key, terms in scoped.items():
            value = getattr(source, key, None) if source else None
            if not value:
                attributes[key]["not_recorded"] += 1
                continue
            recorded += 1
            if _matches(value, terms):
                matched += 1
                attributes[key]["match"] += 1
            else:
                attributes[key]["other"] += 1
        if not scoped or not recorded:
            per_study[sid] = "unclear"
        elif matched == len(scoped):
            per_study[sid] = "direct"
        else:
            per_study[sid] = "partial"
    tally = {k: sum(1 for v in per_study.values() if v == k)
             for k in ("direct", "partial", "unclear")}
    countries = sorted({country for s in ev.studies
                        if s in ctx.sources and (country := ctx.sources[s].country)})
    if not scoped:
        summary = ("the review's scope is not recorded (thematic cerqual scope), so the "
                   f"relevance of the {_studies(len(ev.studies))} is unclear")
    else:
        named = ", ".join(k.replace("_", " ") for k in sorted(scoped))
        summary = (f"against the recorded scope ({named}): "
                   f"{tally['direct']} directly relevant, {tally['partial']} partially, "
                   f"{tally['unclear']} unclear (attributes not recorded)")
    summary += (f"; {len(countries)} countries" if countries else "; no country recorded")
    return Component("relevance", COMPONENTS["relevance"], {
        "scope": scoped, "studies": len(ev.studies), **tally, "attributes": attributes,
        "by_study": per_study, "countries": countries}, summary)
