"""Manual coding by named coders: add, remove, accept or reject proposals, memos, coverage.

A coder who adds, accepts or rejects a code on an excerpt has reviewed that excerpt
(coverage): for agreement, the codes that coder did not give it count as "no". Accepting a
proposal turns that row into the reviewer's own accepted coding (method "review", the
proposer and its rule kept as origin): one judgement, one row, evidence counted once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from thematic.coding.common import parse_span, resolve_code, write
from thematic.coding.exchange import ImportCodingsResult, export_codings, import_codings
from thematic.errors import ThematicError, nearest
from thematic.lookup import codebook as resolve_codebook
from thematic.lookup import excerpt as resolve_excerpt
from thematic.store import codebooks as cb_db
from thematic.store import codings as db
from thematic.store.codings import Status
from thematic.store.db import Store

__all__ = ["CoverageRow", "Decision", "ImportCodingsResult", "add_coding", "add_memo",
           "coverage_summary", "decide", "export_codings", "import_codings", "list_memos",
           "remove_codings"]

MEMO_KINDS = ("excerpt", "code", "theme", "project")


@dataclass
class Decision:
    """What one accept/reject changed (enough to undo it)."""

    proposal: db.Coding
    status: str                       # the new status of the proposal
    previous: str                     # its status before
    absorbed_into: int | None = None  # the reviewer's own coding, when they had it already
    covered: bool = False             # whether this made the excerpt reviewed by the coder
    created: int | None = None        # a blind coder's own coding (coding.assign), to undo


def add_coding(store: Store, excerpt_id: str, code_id: str, *, coder: str,
               span: str | tuple[int, int] | None = None, memo: str | None = None,
               codebook: str | None = None, status: str = Status.ACCEPTED,
               method: str = "manual", origin: str = "manual") -> tuple[db.Coding, bool]:
    """Record that ``coder`` gave ``code_id`` to the excerpt (or a span of it).
    Returns the coding and whether it is new (an identical one is left as it is)."""
    book = resolve_codebook(store, codebook)
    excerpt = resolve_excerpt(store, excerpt_id)
    code = resolve_code(book, code_id)
    start, end = parse_span(span, excerpt)
    row = db.Coding(excerpt_id=excerpt.id, codebook_id=book.id, code_id=code.id, coder=coder,
                    method=method, start=start, end=end, origin=origin, status=status,
                    memo=memo)

    def save() -> tuple[db.Coding, bool]:
        added = db.add_codings(store, [row]) > 0
        db.mark_reviewed(store, coder, [excerpt.id], book.id)
        stored = db.find_coding(store, excerpt.id, book.id, code.id, coder, start, end)
        assert stored is not None  # just added, or there already
        if added:
            store.log("code add", excerpt.id, {"code": code.id, "coder": coder,
                                               "codebook_id": book.id, "span": [start, end],
                                               "id": stored.id, "memo": memo})
        return stored, added

    return write(store, f"code add {excerpt.id} {code.id}", save)


def remove_codings(store: Store, excerpt_id: str, code_id: str, *, coder: str,
                   span: str | None = None, codebook: str | None = None) -> list[db.Coding]:
    """Remove ``coder``'s codings of ``code_id`` on the excerpt (only the given span's when
    ``span`` is given). The excerpt stays reviewed by the coder: it is now a "no"."""
    book = resolve_codebook(store, codebook)
    excerpt = resolve_excerpt(store, excerpt_id)
    code = resolve_code(book, code_id, codable=False)
    start, end = parse_span(span, excerpt)
    found = [c for c in db.list_codings(store, excerpt=excerpt.id, code=code.id,
                                        codebook_id=book.id)
             if span is None or (c.start, c.end) == (start, end)]
    mine = [c for c in found if c.coder == coder]
    if not mine:
        others = sorted({c.coder for c in found})
        detail = f"excerpt {excerpt.id!r}, code {code.id!r}, coder {coder!r}" + (
            f", span {span}" if span else "") + (
            f" (coded by {', '.join(others)})" if others else "")
        raise ThematicError("E161", what="coding", detail=detail,
                            suggest=nearest(coder, others))

    def save() -> list[db.Coding]:
        for c in mine:
            db.remove_coding(store, c.stored_id)
        store.log("code remove", excerpt.id, {"code": code.id, "coder": coder,
                                              "ids": [c.id for c in mine]})
        return mine

    return write(store, f"code remove {excerpt.id} {code.id}", save)


def decide(store: Store, coding_ids: list[int], accept: bool, *, coder: str,
           memo: str | None = None) -> list[Decision]:
    """Accept or reject proposals (all in one transaction)."""
    action = "accepted" if accept else "rejected"
    proposals = []
    for cid in coding_ids:
        found = db.get_coding(store, cid)
        if found is None:
            raise ThematicError("E161", what="coding", detail=f"id {cid}", suggest="")
        if found.status != Status.PROPOSED:
            raise ThematicError("E166", value=cid, status=found.status, action=action)
        proposals.append(found)
    return write(store, f"code {'accept' if accept else 'reject'}",
                 lambda: [apply_decision(store, p, accept, coder=coder, memo=memo)
                          for p in proposals])


def apply_decision(store: Store, proposal: db.Coding, accept: bool, *, coder: str,
                   memo: str | None = None) -> Decision:
    """One accept/reject inside the caller's transaction (the review uses it directly).

    Accepting turns the proposal itself into the reviewer's accepted coding (method
    "review", origin "PROPOSER RULE"), so one judgement is one row and evidence is counted
    once; when the reviewer already has that coding, theirs stands and the proposal goes."""
    status = Status.ACCEPTED if accept else Status.REJECTED
    covered = not db.is_reviewed(store, coder, proposal.excerpt_id, proposal.codebook_id)
    decision = Decision(proposal, status, proposal.status, covered=covered)
    if accept and coder != proposal.coder:
        # one accepted coding per excerpt × code × coder, whatever span each marks
        mine = db.list_codings(store, excerpt=proposal.excerpt_id, code=proposal.code_id,
                               codebook_id=proposal.codebook_id, coder=coder,
                               status=Status.ACCEPTED)
        if mine:
            db.remove_coding(store, proposal.stored_id)
            decision.absorbed_into = mine[0].id
        else:
            db.adopt(store, proposal.stored_id, coder=coder, method="review",
                     origin=provenance(proposal), memo=memo)
    else:
        db.set_status(store, proposal.stored_id, status, memo)
    db.mark_reviewed(store, coder, [proposal.excerpt_id], proposal.codebook_id)
    store.log(f"code {'accept' if accept else 'reject'}", proposal.excerpt_id,
              {"id": proposal.id, "code": proposal.code_id, "coder": coder,
               "proposed_by": proposal.coder, "origin": proposal.origin,
               "absorbed_into": decision.absorbed_into, "memo": memo})
    return decision


def provenance(proposal: db.Coding) -> str:
    """What an accepted proposal keeps of where it came from: 'auto:rules phrase:"hope"'."""
    return f"{proposal.coder} {proposal.origin or ''}".strip()


def undo_decision(store: Store, decision: Decision, *, coder: str) -> None:
    """Put a proposal back as it was before ``decision`` (inside the caller's transaction)."""
    p = decision.proposal
    db.put_back(store, p)
    if decision.covered:
        db.unmark_reviewed(store, coder, p.excerpt_id, p.codebook_id)
    store.log("code undo", p.excerpt_id, {"id": p.id, "code": p.code_id, "coder": coder,
                                          "was": decision.status, "now": decision.previous})


# --- memos ------------------------------------------------------------------------------

def _check_target(store: Store, kind: str, target: str) -> str:
    if kind not in MEMO_KINDS:
        raise ThematicError("E165", value=kind, what="memo kind",
                            fix=f"Use one of: {', '.join(MEMO_KINDS)}.{nearest(kind, MEMO_KINDS)}")
    if kind == "excerpt":
        return resolve_excerpt(store, target).id
    if kind == "code":
        ids = {c.id for b in cb_db.list_codebooks(store, current_only=True)
               for c in cb_db.codes_of(store, b.id)}
        if not ids:
            raise ThematicError("E150")
        if target not in ids:
            raise ThematicError("E165", value=target, what="code of a loaded codebook",
                                fix=f"List the codes with `thematic codebook show`."
                                    f"{nearest(target, ids)}")
        return target
    if kind == "theme":
        from thematic.store import themes as theme_db

        themes = theme_db.theme_ids(store)
        if target not in themes:
            raise ThematicError("E165", value=target, what="theme",
                                fix=f"List them with `thematic theme list`."
                                    f"{nearest(target, themes)}")
    return target


def add_memo(store: Store, kind: str, target: str, text: str, *, author: str) -> int:
    """A memo on an excerpt, a code, a theme or the project (target "-" for the project)."""
    target = _check_target(store, kind, target)
    if not text.strip():
        raise ThematicError("E165", value=text, what="memo text", fix="Write some text.")

    def save() -> int:
        memo_id = db.add_memo(store, kind, target, author, text)
        store.log("memo add", f"{kind}:{target}", {"id": memo_id, "author": author,
                                                   "text": text})
        return memo_id

    return write(store, f"memo add {kind} {target}", save)


def list_memos(store: Store, kind: str | None = None, target: str | None = None) -> list[dict]:
    if kind is not None and kind not in MEMO_KINDS:
        _check_target(store, kind, target or "")
    return db.memos(store, kind, target)


# --- coverage ---------------------------------------------------------------------------

@dataclass
class CoverageRow:
    coder: str
    reviewed: int          # excerpts the coder has reviewed
    coded: int             # of those, excerpts with at least one non-rejected coding
    uncoded: int           # reviewed and left uncoded: "no" for every code
    missing: int           # never reviewed: missing for agreement
    excerpts: list[str] = field(default_factory=list)


def coverage_summary(store: Store, *, coder: str | None = None, codebook: str | None = None
                     ) -> list[CoverageRow]:
    """Per coder: what they reviewed, coded, left uncoded, and never saw."""
    from thematic.store.corpus import all_excerpt_ids

    book = resolve_codebook(store, codebook)
    order = {e: i for i, e in enumerate(all_excerpt_ids(store))}
    reviewed: dict[str, set[str]] = {}
    for who, eid, _ in db.coverage_rows(store, book.id):
        reviewed.setdefault(who, set()).add(eid)
    coded: dict[str, set[str]] = {}
    for c in db.list_codings(store, codebook_id=book.id, status=(Status.PROPOSED, Status.ACCEPTED)):
        coded.setdefault(c.coder, set()).add(c.excerpt_id)
    names = sorted(set(reviewed) | set(coded))
    if coder is not None:
        if coder not in names:
            raise ThematicError("E161", what="coder", detail=repr(coder),
                                suggest=nearest(coder, names))
        names = [coder]
    rows = []
    for who in names:
        seen = reviewed.get(who, set()) | coded.get(who, set())
        rows.append(CoverageRow(who, len(seen), len(coded.get(who, set()) & seen),
                                len(seen - coded.get(who, set())), len(order) - len(seen),
                                sorted(seen, key=lambda e: order.get(e, 0))))
    return rows
