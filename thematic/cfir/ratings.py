"""Construct ratings per case, after the CFIR rating rules (Damschroder & Lowery 2013).

A rating says how a construct acted in one case (a study, site or participant): its
valence (− barrier, + facilitator) and strength (1 weak or general, 2 strong, with concrete
examples), 0 for neutral or purely descriptive evidence, and X for mixed evidence that
leans neither way. A person records a rating with who, when and why; the history is kept
and the newest rating is the one in force.

``suggest`` proposes ratings from the coded evidence and never writes them: with b barrier
and f facilitator excerpts (directed excerpts d = b + f), no directed excerpt gives 0; when
both occur and neither has at least two thirds of d, X; otherwise the majority's sign, with
strength 2 when the majority rests on at least two excerpts (the rules' "two or more
explicit examples") and 1 when it rests on one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from thematic.cfir.scale import (  # noqa: F401  (the scale is part of this room's API)
    MAJORITY,
    NUMERIC,
    SCALE,
    SUGGEST_RULE,
    parse_rating,
    suggest_rating,
)
from thematic.errors import ThematicError, nearest


@dataclass
class RateResult:
    case: str
    construct: str
    rating: str
    rater: str
    why: str
    evidence: int
    previous: str | None
    rolled_up_from: str | None = None

    @property
    def warning(self) -> str | None:
        if self.evidence:
            return None
        return (f"case {self.case} has no coded evidence for {self.construct}; the rating is "
                "recorded and shown as \"no coded evidence\".")

    def to_dict(self) -> dict:
        return {**asdict(self), "warning": self.warning}


def resolve_case(store, value: str) -> str:
    from thematic.store.corpus import list_sources

    ids = [s.id for s in list_sources(store)]
    if str(value) in ids:
        return str(value)
    raise ThematicError("E635", value=value, suggest=nearest(str(value), ids))


def rate(store, *, case: str, construct: str, rating: str, why: str,
         rater: str) -> RateResult:
    """Record a person's rating of ``construct`` in ``case`` (one transaction, logged)."""
    from thematic.cfir import framework, view
    from thematic.store import cfir as db

    value = parse_rating(rating)
    frame = framework.load()
    given = frame.resolve(construct)
    cid = frame.rollup[given]   # the construct it counts for (resolve returns a rolled-up id)
    if not why or not why.strip():
        raise ThematicError("E636", case=case, construct=cid)
    case_id = resolve_case(store, case)
    found = view.build(store).construct(cid)
    evidence = len(found.by_study.get(case_id, [])) if found else 0
    before = {(r.case_id, r.construct): r.rating for r in db.list_ratings(store)}
    row = db.Rating(case_id, cid, value, rater, why.strip(), evidence)
    with store.transaction("cfir rate"):
        db.add_rating(store, row)
        store.log("cfir rate", f"{case_id}:{cid}", {"rating": value, "why": row.why,
                                                   "evidence": evidence,
                                                   "previous": before.get((case_id, cid))})
    return RateResult(case_id, cid, value, rater, row.why, evidence,
                      before.get((case_id, cid)), given if given != cid else None)


@dataclass
class Suggestion:
    case: str
    construct: str
    suggested: str | None      # None only without evidence
    barriers: int
    facilitators: int
    excerpts: list[str]
    rated: str | None          # the rating in force, if a person gave one


def suggest(store, *, case: str | None = None, construct: str | None = None
            ) -> list[Suggestion]:
    """Proposed ratings for every (case, construct) with coded evidence; nothing is
    written."""
    from thematic.cfir import framework, view
    from thematic.store import cfir as db

    frame = framework.load()
    cid = frame.rollup[frame.resolve(construct)] if construct else None
    case_id = resolve_case(store, case) if case is not None else None
    built = view.build(store)
    rated = {(r.case_id, r.construct): r.rating for r in db.list_ratings(store)}
    out = []
    for domain in built.domains:
        for con in domain.constructs:
            if cid and con.id != cid:
                continue
            for study in con.studies:
                if case_id and study != case_id:
                    continue
                ex = con.by_study[study]
                b = sum(built.directions.get(e) == "barrier" for e in ex)
                f = sum(built.directions.get(e) == "facilitator" for e in ex)
                out.append(Suggestion(study, con.id, suggest_rating(b, f, len(ex)), b, f,
                                      list(ex), rated.get((study, con.id))))
    return out


def recorded(store, *, history: bool = False) -> list:
    """The recorded ratings: the newest per case and construct, or every one with
    ``history``."""
    from thematic.store.cfir import list_ratings

    return list_ratings(store, history=history)
