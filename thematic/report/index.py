"""What the report reads from the store, loaded once and looked up by id.

``Index`` also remembers every excerpt the report quotes or lists, so the traceability
appendix can give each one its anchor (the audit checks that every ``#excerpt-…`` link
resolves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from itertools import filterfalse
from operator import attrgetter, itemgetter
from typing import NamedTuple

from thematic.report.markdown import anchor
from thematic.report.rows import excerpt_ref


class Accepted(NamedTuple):
    """One accepted coding, as much of it as a report reads."""
    excerpt_id: str
    codebook_id: int
    code_id: str
    coder: str


@dataclass
class Index:
    sources: dict = field(default_factory=dict)          # id → Source (study-list order)
    excerpts: dict = field(default_factory=dict)         # id → ExcerptRow (import order)
    accepted: list = field(default_factory=list)         # Accepted rows
    books: dict = field(default_factory=dict)            # codebook row id → Codebook
    current: dict = field(default_factory=dict)          # codebook name → current Codebook
    cited: set = field(default_factory=set)              # excerpt ids the report refers to
    # a 100k-excerpt report refers to excerpts ~400k times: their anchors and study
    # references are made once
    _studies: dict = field(default_factory=dict, repr=False)
    _refs: dict = field(default_factory=dict, repr=False)
    _codes_of: dict | None = field(default=None, repr=False)
    _cued: set | None = field(default=None, repr=False)
    _source_of: dict | None = field(default=None, repr=False)
    _sizes: dict | None = field(default=None, repr=False)
    _whole: dict = field(default_factory=dict, repr=False)    # id(Evidence) → (it, known)
    _positions: dict | None = field(default=None, repr=False)

    @classmethod
    def load(cls, store, coders: list[str] | None = None) -> Index:
        """Everything the report reads; ``coders``: the evidence coders (None: all)."""
        from thematic.store.codebooks import get_codebook, list_codebooks
        from thematic.store.codings import accepted_rows
        from thematic.store.corpus import excerpt_rows, list_sources

        rows = excerpt_rows(store, analysed=True)
        index = cls(sources={s.id: s for s in list_sources(store)},
                    excerpts=dict(zip(map(itemgetter(0), rows), rows)),
                    # tuple.__new__ in C (Accepted._make is a Python call per coding)
                    accepted=list(map(partial(tuple.__new__, Accepted),
                                      accepted_rows(store, coders))))
        for book in list_codebooks(store):
            if book.current:
                index.current[book.name] = get_codebook(store, id=book.id)
        for book_id in sorted({c.codebook_id for c in index.accepted}):
            index.books[book_id] = get_codebook(store, id=book_id)
        return index

    # --- references ----------------------------------------------------------------------
    def study(self, source_id: str) -> dict:
        """{"id", "anchor", "citation"} of a study (a link target in the reference list)."""
        found = self._studies.get(source_id)
        if found is None:
            source = self.sources.get(source_id)
            found = self._studies[source_id] = {
                "id": source_id, "anchor": anchor("study", source_id),
                "citation": source.citation if source is not None else source_id}
        return found   # shared: templates and sections only read references

    def excerpt(self, excerpt_id: str) -> dict:
        """{"id", "anchor", "study"} of an excerpt; the excerpt joins the appendix."""
        self.cited.add(excerpt_id)
        ref = self._refs.get(excerpt_id)
        if ref is None:
            self._new_refs((excerpt_id,))
            ref = self._refs[excerpt_id]
        return ref   # shared, like study references: callers copy it to add keys

    def _new_refs(self, ids) -> None:
        """Make the references of those of ``ids`` that have none (a Ref keeps its Markdown
        link, rows.excerpt_links)."""
        made, excerpts, studies = self._refs, self.excerpts, self._studies
        for e in dict.fromkeys(filterfalse(made.__contains__, ids)):
            found = excerpts.get(e)
            study = None
            if found is not None:
                study = studies.get(found.source_id) or self.study(found.source_id)
            made[e] = excerpt_ref(e, study)

    def excerpt_refs(self, ids: list[str]) -> list[dict]:
        """``[self.excerpt(e) for e in ids]`` in one call: the appendix lists ~250k of them
        at 100k excerpts, and a method call each was most of its time."""
        self.cited.update(ids)
        made = self._refs
        try:
            return list(map(made.__getitem__, ids))
        except KeyError:   # some are new: made now, the rest looked up again
            self._new_refs(ids)
            return list(map(made.__getitem__, ids))

    def cued(self, excerpt_id: str) -> bool:
        """Could the excerpt's text hold a divergence phrase (divergence.has_cue)? Decided
        once per excerpt, not once per theme that cites it."""
        return excerpt_id in self.cued_ids()

    def cued_ids(self) -> set[str]:
        """The excerpts whose text could hold a divergence phrase (divergence.has_cue of
        each); made once, shared."""
        if self._cued is None:
            self._cued = _cued(self.excerpts)
        return self._cued

    def known(self, ids, evidence=None) -> list[str]:
        """``[e for e in ids if e in self.excerpts]``. ``evidence``: the themes.Evidence the
        ids come from (its excerpts, topic members or a code's excerpts): when every one of
        its excerpts is known, as evidence is read from the analysed excerpts, all are, and
        none is looked up (a theme's 25k excerpts are listed several times)."""
        if evidence is not None and self.evidence_known(evidence):
            return list(ids)
        ids = list(ids)
        if all(map(self.excerpts.__contains__, ids)):
            return ids
        return [e for e in ids if e in self.excerpts]

    def evidence_known(self, evidence) -> bool:
        """Is every excerpt of ``evidence`` (themes.Evidence: its codes' excerpts and topic
        members are among them) in the index? Checked once per Evidence."""
        hit = self._whole.get(id(evidence))
        if hit is None or hit[0] is not evidence:
            hit = self._whole[id(evidence)] = (
                evidence, all(map(self.excerpts.__contains__, evidence.excerpts)))
        return hit[1]

    def sizes(self) -> dict[str, int]:
        """excerpt id → the length of its stripped text (what quotes are ranked by); made
        once, shared (read only)."""
        if self._sizes is None:
            self._sizes = dict(zip(self.excerpts, map(len, map(str.strip, map(
                attrgetter("text"), self.excerpts.values())))))
        return self._sizes

    def positions(self) -> dict[str, int]:
        """excerpt id → its import position; made once, shared (read only)."""
        if self._positions is None:
            self._positions = dict(zip(self.excerpts,
                                       map(attrgetter("position"), self.excerpts.values())))
        return self._positions

    def position(self, excerpt_id: str) -> int:
        found = self.excerpts.get(excerpt_id)
        return found.position if found is not None else 1 << 62

    def source_of(self, excerpt_id: str) -> str | None:
        return self.sources_by_excerpt().get(excerpt_id)

    def sources_by_excerpt(self) -> dict[str, str | None]:
        """excerpt id → its study id; made once, shared (read only)."""
        if self._source_of is None:
            self._source_of = dict(zip(self.excerpts,
                                       map(attrgetter("source_id"), self.excerpts.values())))
        return self._source_of

    def study_order(self, ids) -> list[str]:
        order = {sid: i for i, sid in enumerate(self.sources)}
        return sorted(set(ids), key=lambda s: (order.get(s, len(order)), s))

    # --- codes ---------------------------------------------------------------------------
    def code(self, codebook: str | None, code_id: str):
        """The Code of ``code_id`` in the current version of ``codebook`` (or in any codebook
        that has it when ``codebook`` is None)."""
        books = [self.current[codebook]] if codebook in self.current else \
            list(self.current.values()) + list(self.books.values())
        for book in books:
            found = book.code(code_id) if book is not None else None
            if found is not None:
                return found
        return None

    def code_name(self, codebook: str | None, code_id: str) -> str:
        found = self.code(codebook, code_id)
        return found.name if found is not None else code_id

    def codes_by_excerpt(self) -> dict[str, list[str]]:
        """excerpt id → the sorted ids of its accepted codes (any coder); made once, shared
        (read only)."""
        if self._codes_of is None:
            # accepted rows come in code order within an excerpt (accepted_rows' ORDER BY):
            # a repeat is the list's last item, and no set or sort per excerpt is needed;
            # rows in any other order (an Index made by hand) are sorted afterwards
            out: dict[str, list[str]] = {}
            get = out.get
            disorder = False
            for excerpt_id, _, code_id, _ in self.accepted:
                codes = get(excerpt_id)
                if codes is None:
                    out[excerpt_id] = [code_id]
                elif codes[-1] != code_id:
                    disorder = disorder or code_id < codes[-1]
                    codes.append(code_id)
            if disorder:
                out = {k: sorted(set(v)) for k, v in out.items()}
            self._codes_of = out
        return self._codes_of

    def studies_of(self, excerpt_ids) -> list[str]:
        source = self.sources_by_excerpt()
        try:
            # in C: a theme's 25k excerpts, all known
            found = set(map(source.__getitem__, excerpt_ids))
        except KeyError:
            found = {source[e] for e in excerpt_ids if e in source}
        found.discard(None)
        return self.study_order(found)


def _cued(excerpts: dict) -> set[str]:
    """``{i for i, e in excerpts.items() if has_cue(e.text)}``, searched in one string: the
    case-folded texts joined by NUL (no phrase holds one), each phrase found by str.find
    and its text located by bisection, instead of 20 substring tests per text."""
    from bisect import bisect_right
    from itertools import accumulate

    from thematic.divergence import _FOLD, DIVERGENT_PHRASES

    ids = list(excerpts)
    # casefold maps characters one by one, as has_cue folds each text
    folded = [e.text.casefold() for e in excerpts.values()]
    joined = "\0".join(folded)
    if "\u0131" in joined or "\u0307" in joined:
        folded = [t.translate(_FOLD) if "\u0131" in t or "\u0307" in t else t
                  for t in folded]
        joined = "\0".join(folded)
    # starts[k]: where text k begins in joined
    starts = [0, *accumulate(len(t) + 1 for t in folded)][:len(folded)]
    found: set[int] = set()
    for phrase in DIVERGENT_PHRASES:
        at = joined.find(phrase)
        while at >= 0:
            k = bisect_right(starts, at) - 1
            found.add(k)
            # the next text: one is found once per phrase
            at = joined.find(phrase, starts[k + 1]) if k + 1 < len(starts) else -1
    return {ids[k] for k in found}
