"""Deductive auto-coding: the codebook's rules (and optionally semantic similarity) propose
codes for excerpts; a person then accepts or rejects them (``thematic code review``).

The work is ``code_batch``, a pure function over a batch of (excerpt id, text) pairs that
returns proposals; batches combine by concatenation (``BatchResult.merge``), so a
distributed engine can map it over partitions. ``run`` is the thin wrapper that reads the
store, codes every batch, then writes all proposals and the coverage in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from thematic.coding.common import write
from thematic.coding.rules import RuleSet, coder_for
from thematic.errors import ThematicError
from thematic.lookup import codebook as resolve_codebook
from thematic.store import codings as db
from thematic.store.db import Store

RULES_CODER = "auto:rules"
SEMANTIC_CODER = "auto:semantic"
BATCH = 1000          # excerpts handed to code_batch at a time
PIPE_BATCH = 256      # nlp.pipe batch size


@dataclass(frozen=True)
class Proposal:
    excerpt_id: str
    code: str
    start: int | None
    end: int | None
    origin: str
    method: str = "rules"
    score: float | None = None


@dataclass
class BatchResult:
    proposals: list[Proposal] = field(default_factory=list)
    excerpts: int = 0
    negated: int = 0
    excluded: int = 0

    def merge(self, other: BatchResult) -> BatchResult:
        return BatchResult(self.proposals + other.proposals, self.excerpts + other.excerpts,
                           self.negated + other.negated, self.excluded + other.excluded)


@dataclass
class AutoResult:
    proposed: int                    # new proposals stored by this run
    excerpts: int                    # excerpts coded
    per_code: dict[str, int]         # code → excerpts it was found in (new or not)
    found: int = 0                   # proposals found, including ones stored before
    negated: int = 0                 # rule matches vetoed by negation
    excluded: int = 0                # rule matches vetoed by an exclusion rule
    semantic: int = 0                # of ``found``, how many came from the semantic stage
    other_language: int = 0          # excerpts left out: detected in another language
    codebook: str = ""
    version: str = ""
    codebook_id: int = 0
    coders: list[str] = field(default_factory=list)


def code_batch(items: Sequence[tuple[str, str]], rules: RuleSet, *, model: str | None = None,
               batch_size: int = PIPE_BATCH) -> BatchResult:
    """Apply the rules to (excerpt id, text) pairs; no store, no side effects."""
    coder = coder_for(rules, model)
    result = BatchResult(excerpts=len(items))
    outcomes = coder.code_texts([text for _, text in items], batch_size=batch_size)
    for (eid, _), outcome in zip(items, outcomes):
        result.negated += outcome.negated
        result.excluded += outcome.excluded
        result.proposals.extend(Proposal(eid, h.code, h.start, h.end, h.origin)
                                for h in outcome.hits)
    return result


def run(store: Store, *, codebook: str | None = None, where: str | None = None,
        min_score: float | None = None, semantic: bool = False,
        progress: Callable[[int], None] | None = None, model: str | None = None,
        embedder: str | None = None, backend=None, excerpts: list | None = None,
        engine=None) -> AutoResult:
    """Propose codes for the excerpts ``where`` selects (all by default) with the rules of
    ``codebook`` (default: the current one loaded last) and, with ``semantic``, the codes
    whose prototypes score at least ``min_score`` (default 0.5) against the excerpt.

    ``model`` names an installed spaCy pipeline instead of the built-in rules pipeline;
    ``embedder`` (or an already built ``backend``) chooses the embedding backend;
    ``excerpts`` passes the excerpts already selected (``where`` is then only recorded):
    ``Excerpt`` objects or (id, text, language) tuples;
    ``engine`` (``thematic.engine.open_engine``) runs the rules stage elsewhere, e.g. on a
    Dask cluster, with the same result; the writing stays here, in one transaction.
    Re-running stores no duplicates; every excerpt coded counts as reviewed by the coder.
    """
    from thematic.coding.where import select_texts

    book = resolve_codebook(store, codebook)
    rules = RuleSet.from_codes(book.codes)
    if not rules.codes and not semantic:
        # Coding every excerpt to find nothing would look like "no code applies".
        raise ThematicError("E630", codebook=book.name, version=book.version)
    coder_for(rules, model)  # compile first: a bad pattern fails before any work
    if excerpts is None:
        rows = select_texts(store, where, analysed=True)
    else:
        rows = [e if isinstance(e, tuple) else (e.id, e.text, e.language) for e in excerpts]
    language = str(book.metadata.get("language") or "").strip().lower()[:2]
    # Rules are written in one language; an excerpt detected in another is not coded by them
    # (an excerpt too short to detect has no language and is coded).
    items = [(eid, text) for eid, text, lang in rows
             if not (language and lang and lang != language)]
    other_language = len(rows) - len(items)
    if engine is not None:
        total = engine.code(items, rules, model=model, progress=progress)
    else:
        total = BatchResult()
        for lo in range(0, len(items), BATCH):
            part = code_batch(items[lo:lo + BATCH], rules, model=model)
            # in place: merge() copies the growing list once per batch
            total.proposals += part.proposals
            total.excerpts += part.excerpts
            total.negated += part.negated
            total.excluded += part.excluded
            if progress is not None:
                progress(len(items[lo:lo + BATCH]))
    proposals = list(total.proposals)
    coders = [RULES_CODER]
    if semantic:
        from thematic.coding.semantic import DEFAULT_MIN_SCORE, CodeSpace, get_backend, prototypes

        backend = backend if backend is not None else get_backend(embedder)
        if callable(getattr(backend, "fit", None)):
            # A corpus-fitted backend (tf-idf) must see the excerpts and the codes together.
            backend.fit([t for _, t in items] + [t for _, t in prototypes(book.codes)])
        # On an engine the excerpts are embedded there (same cache entries); the few code
        # prototypes here.
        encoder = engine.encoder(backend) if engine is not None else backend
        from thematic.embeddings import Cached

        space = CodeSpace(book.codes, backend, encode=Cached(store, encoder).encode)
        threshold = min_score if min_score is not None else \
            _calibrated(book, backend) or DEFAULT_MIN_SCORE
        proposals += [Proposal(h.excerpt_id, h.code, None, None, "semantic", "semantic",
                               h.score) for h in space.propose(items, threshold)]
        coders.append(SEMANTIC_CODER)
    # prepared tuples in db.CODING_COLUMNS order: no object per proposal on the way in
    codebook_id = book.id
    found = [(p.excerpt_id, codebook_id, p.code,
              RULES_CODER if p.method == "rules" else SEMANTIC_CODER, p.start, p.end,
              p.method, p.origin, p.score, db.Status.PROPOSED, None) for p in proposals]
    per_code = Counter(code for _, code in {(p.excerpt_id, p.code) for p in proposals})
    ids = [e for e, _ in items]

    def save() -> int:
        added = db.add_coding_rows(store, found)
        for who in coders:
            db.mark_reviewed(store, who, ids, book.id)
        store.log("code auto", book.name, {
            "codebook_id": book.id, "version": book.version, "where": where,
            "excerpts": len(ids), "found": len(found), "added": added, "coders": coders,
            "model": model, "min_score": min_score if semantic else None,
            "engine": getattr(engine, "name", "local")})
        return added

    added = write(store, "code auto", save)
    return AutoResult(proposed=added, excerpts=len(ids), per_code=dict(sorted(per_code.items())),
                      found=len(found), negated=total.negated, excluded=total.excluded,
                      semantic=sum(p.method == "semantic" for p in proposals),
                      other_language=other_language,
                      codebook=book.name, version=book.version, codebook_id=book.id,
                      coders=coders)


def _calibrated(book, backend) -> float | None:
    """The threshold the codebook was calibrated at (``semantic: {embedder, min_score}``),
    when ``backend`` is that embedder; else None."""
    stated = book.metadata.get("semantic") or {}
    value, embedder = stated.get("min_score"), str(stated.get("embedder") or "")
    if not isinstance(value, (int, float)) or not embedder:
        return None
    return float(value) if embedder in str(getattr(backend, "name", "")).lower() else None

