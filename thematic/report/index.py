"""What the report reads from the store, loaded once and looked up by id.

``Index`` also remembers every excerpt the report quotes or lists, so the traceability
appendix can give each one its anchor (the audit checks that every ``#excerpt-…`` link
resolves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from thematic.report.markdown import anchor
from thematic.report.rows import ref as make_ref


class Accepted(NamedTuple):
    """One accepted coding, as much of it as a report reads."""
    excerpt_id: str
    codebook_id: int
    code_id: str
    coder: str


@dataclass
class Index:
    sources: dict = field(default_factory=dict)          # id → Source (study-list order)
    excerpts: dict = field(default_factory=dict)         # id → Excerpt (import order)
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

    @classmethod
    def load(cls, store, coders: list[str] | None = None) -> Index:
        """Everything the report reads; ``coders``: the evidence coders (None: all)."""
        from thematic.store.codebooks import get_codebook, list_codebooks
        from thematic.store.codings import accepted_rows
        from thematic.store.corpus import list_excerpts, list_sources

        index = cls(sources={s.id: s for s in list_sources(store)},
                    excerpts={e.id: e for e in list_excerpts(store, analysed=True)},
                    accepted=[Accepted._make(r) for r in accepted_rows(store, coders)])
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
            found = self.excerpts.get(excerpt_id)
            # a Ref keeps its Markdown link once written (rows.excerpt_links)
            ref = self._refs[excerpt_id] = make_ref(
                excerpt_id, anchor("excerpt", excerpt_id),
                self.study(found.source_id) if found is not None else None)
        return ref   # shared, like study references: callers copy it to add keys

    def excerpt_refs(self, ids: list[str]) -> list[dict]:
        """``[self.excerpt(e) for e in ids]`` in one call: the appendix lists ~250k of them
        at 100k excerpts, and a method call each was most of its time."""
        self.cited.update(ids)
        made = self._refs
        return [made[e] if e in made else self.excerpt(e) for e in ids]

    def cued(self, excerpt_id: str) -> bool:
        """Could the excerpt's text hold a divergence phrase (divergence.has_cue)? Decided
        once per excerpt, not once per theme that cites it."""
        return excerpt_id in self.cued_ids()

    def cued_ids(self) -> set[str]:
        """The excerpts whose text could hold a divergence phrase; made once, shared."""
        if self._cued is None:
            from thematic.divergence import has_cue

            self._cued = {i for i, e in self.excerpts.items() if has_cue(e.text)}
        return self._cued

    def position(self, excerpt_id: str) -> int:
        found = self.excerpts.get(excerpt_id)
        return found.position if found is not None else 1 << 62

    def source_of(self, excerpt_id: str) -> str | None:
        return self.sources_by_excerpt().get(excerpt_id)

    def sources_by_excerpt(self) -> dict[str, str | None]:
        """excerpt id → its study id; made once, shared (read only)."""
        if self._source_of is None:
            self._source_of = {i: e.source_id for i, e in self.excerpts.items()}
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
            out: dict[str, set[str]] = {}
            for coding in self.accepted:
                out.setdefault(coding.excerpt_id, set()).add(coding.code_id)
            self._codes_of = {k: sorted(v) for k, v in out.items()}
        return self._codes_of

    def studies_of(self, excerpt_ids) -> list[str]:
        source = self.sources_by_excerpt()
        found = {source[e] for e in excerpt_ids if e in source}
        found.discard(None)
        return self.study_order(found)
