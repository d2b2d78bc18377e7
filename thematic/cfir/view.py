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

if TYPE_CHECKING:
    from thematic.store.codebooks import Code, Codebook

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
    from thematic.store.codings import accepted_rows
    from thematic.store.corpus import excerpt_order, list_sources

    frame = fw.load()
    order = excerpt_order(store)
    studies = [s.id for s in list_sources(store)]
    study_pos = {s: i for i, s in enumerate(studies)}
    books: dict[int, Codebook | None] = {}
    links: dict[tuple[str, str, str], CodeLink] = {}     # (construct, book, code)
    members: dict[tuple[str, str, str], set[str]] = {}   # link.excerpts as a set
    # what a (codebook version, code) links to, resolved once, not once per coding
    resolved: dict[tuple[int, str], list[tuple[str, str, Code, list[str]]]] = {}
    # tuples in list_codings' order, not a Coding per row (a tenth of a 100k audit)
    for excerpt_id, codebook_id, code_id, _ in accepted_rows(store, analysed=False):
        found = resolved.get((codebook_id, code_id))
        if found is None:
            found = resolved[codebook_id, code_id] = _targets(
                store, frame, books, codebook_id, code_id)
        for construct, book_name, code, via in found:
            key = (construct, book_name, code.id)
            link = links.get(key)
            if link is None:
                link = links[key] = CodeLink(book_name, code.id, code.name, tuple(via))
                members[key] = set()
            if excerpt_id not in members[key]:
                members[key].add(excerpt_id)
                link.excerpts.append(excerpt_id)
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


def _targets(store, frame: fw.Framework, books: dict[int, Codebook | None], codebook_id: int,
             code_id: str) -> list[tuple[str, str, Code, list[str]]]:
    """(construct, codebook name, code, refs) for each construct a code links to."""
    from thematic.store.codebooks import get_codebook

    if codebook_id not in books:
        books[codebook_id] = get_codebook(store, id=codebook_id)
    book = books[codebook_id]
    code = book.code(code_id) if book else None
    if book is None or code is None:
        return []
    refs = [code.id] if book.name == CFIR_CODEBOOK else list(code.data.get("cfir") or [])
    targets: dict[str, list[str]] = {}
    for ref in refs:
        construct = frame.construct_of(ref)
        if construct is not None:
            targets.setdefault(construct, []).append(ref)
    return [(construct, book.name, code, via) for construct, via in targets.items()]


def _studies(excerpts, order, study_pos) -> list[str]:
    found = {order[e][1] for e in excerpts if e in order}
    return sorted(found, key=lambda s: (study_pos.get(s, 1 << 30), s))
