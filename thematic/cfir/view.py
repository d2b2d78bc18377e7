"""The CFIR view of a project: domains → constructs → codes → evidence.

Every accepted coding counts for the CFIR constructs its code names: a code of the CFIR
2.0 codebook (cfir2) for itself, a code of any other codebook for the ids in its ``cfir``
crosswalk list. Sub-constructs roll up to their construct; groupings and ids the framework
does not know are left out (codebook validation reports them). An excerpt counts once per
construct however many of its codes lead there; its direction (barrier, facilitator) is
the excerpt's (thematic.cfir.valence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from thematic.cfir import framework as fw
from thematic.store.codings import Status

if TYPE_CHECKING:
    from thematic.store.codebooks import Codebook

CFIR_CODEBOOK = "cfir2"


@dataclass
class CodeLink:
    codebook: str
    code: str
    name: str
    via: tuple[str, ...]            # the CFIR ids of the crosswalk that led here
    excerpts: list[str] = field(default_factory=list)
    studies: list[str] = field(default_factory=list)


@dataclass
class ConstructView:
    id: str
    name: str
    domain: str
    excerpts: list[str] = field(default_factory=list)      # import order
    studies: list[str] = field(default_factory=list)       # study-list order
    barriers: int = 0
    facilitators: int = 0
    mixed: int = 0
    net: str | None = None           # the evidence's rating (ratings.suggest_rating)
    by_study: dict[str, list[str]] = field(default_factory=dict)
    codes: list[CodeLink] = field(default_factory=list)


@dataclass
class DomainView:
    id: str
    name: str
    constructs: list[ConstructView] = field(default_factory=list)
    excerpts: list[str] = field(default_factory=list)
    studies: list[str] = field(default_factory=list)


@dataclass
class CfirView:
    domains: list[DomainView]
    directions: dict[str, str]                   # excerpt id → barrier | facilitator | mixed…
    studies: list[str]                           # every study, study-list order
    excerpts_with_evidence: int = 0

    def construct(self, cid: str) -> ConstructView | None:
        for domain in self.domains:
            for con in domain.constructs:
                if con.id == cid:
                    return con
        return None

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {"domains": [asdict(d) for d in self.domains],
                "excerpts_with_evidence": self.excerpts_with_evidence}


def build(store, *, empty: bool = False) -> CfirView:
    """The project's CFIR view from its accepted codings. ``empty``: keep constructs with
    no evidence (the report and the matrix list only those with evidence)."""
    from thematic.cfir.scale import suggest_rating
    from thematic.cfir.valence import directions
    from thematic.store.codebooks import get_codebook
    from thematic.store.codings import list_codings
    from thematic.store.corpus import list_excerpts, list_sources

    frame = fw.load()
    order = {e.id: (e.position, e.source_id) for e in list_excerpts(store)}
    studies = [s.id for s in list_sources(store)]
    study_pos = {s: i for i, s in enumerate(studies)}
    books: dict[int, Codebook | None] = {}
    links: dict[tuple[str, str, str], CodeLink] = {}     # (construct, book, code)
    for coding in list_codings(store, status=Status.ACCEPTED):
        if coding.codebook_id not in books:
            books[coding.codebook_id] = get_codebook(store, id=coding.codebook_id)
        book = books[coding.codebook_id]
        code = book.code(coding.code_id) if book else None
        if book is None or code is None:
            continue
        refs = [code.id] if book.name == CFIR_CODEBOOK else list(code.data.get("cfir") or [])
        targets: dict[str, list[str]] = {}
        for ref in refs:
            construct = frame.construct_of(ref)
            if construct is not None:
                targets.setdefault(construct, []).append(ref)
        for construct, via in targets.items():
            key = (construct, book.name, code.id)
            link = links.setdefault(key, CodeLink(book.name, code.id, code.name, tuple(via)))
            if coding.excerpt_id not in link.excerpts:
                link.excerpts.append(coding.excerpt_id)
    valence = {k: v[0] for k, v in directions(store).items()}
    by_construct: dict[str, list[CodeLink]] = {}
    for (construct, _, _), link in links.items():
        link.excerpts.sort(key=lambda e: order.get(e, (1 << 62, ""))[0])
        link.studies = _studies(link.excerpts, order, study_pos)
        by_construct.setdefault(construct, []).append(link)
    domains, seen = [], set()
    for domain in frame.domains.values():
        dview = DomainView(domain.id, domain.name)
        for cid in domain.constructs:
            codes = sorted(by_construct.get(cid, []), key=lambda c: (c.codebook != CFIR_CODEBOOK,
                                                                     c.codebook, c.code))
            if not codes and not empty:
                continue
            ex = sorted({e for c in codes for e in c.excerpts},
                        key=lambda e: order.get(e, (1 << 62, ""))[0])
            con = ConstructView(cid, frame.constructs[cid].name, domain.id, ex,
                                _studies(ex, order, study_pos), codes=codes)
            for eid in ex:
                con.by_study.setdefault(order[eid][1], []).append(eid)
                d = valence.get(eid)
                con.barriers += d == "barrier"
                con.facilitators += d == "facilitator"
                con.mixed += d == "mixed"
            con.net = suggest_rating(con.barriers, con.facilitators, len(ex)) if ex else None
            dview.constructs.append(con)
            seen.update(ex)
        dview.excerpts = sorted({e for c in dview.constructs for e in c.excerpts},
                                key=lambda e: order[e][0])
        dview.studies = _studies(dview.excerpts, order, study_pos)
        domains.append(dview)
    return CfirView(domains, valence, studies, len(seen))


def _studies(excerpts, order, study_pos) -> list[str]:
    found = {order[e][1] for e in excerpts if e in order}
    return sorted(found, key=lambda s: (study_pos.get(s, 1 << 30), s))
