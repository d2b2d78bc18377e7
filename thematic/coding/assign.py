"""Blind double coding: assign a double-coded sample to every coder and split the rest,
keep each coder blind to the others' decisions until agreement is measured.

``assign`` draws, per stratum (e.g. per source), ``sample`` of the excerpts for every
coder and deals the others out in turn, from a ``random.Random(seed)`` shuffle of the
import order, so the same seed on the same project gives the same assignment. While a run
is blind, ``code review --coder C`` shows C only proposals on C's excerpts, never proposals
or codes from the run's other coders, and C's accept/reject is recorded as C's own decision
(``blind_decisions``) without deciding the proposal for everybody. ``agree`` lifts the
blinding once every coder has reviewed the whole double-coded sample.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from thematic.errors import ThematicError, nearest
from thematic.store import codings as db
from thematic.store import team
from thematic.store.codings import Status
from thematic.store.db import Store

__all__ = ["Assignment", "Progress", "assign", "blind_view", "decide_blind", "parse_sample",
           "progress", "unblind_if_complete", "undo_blind"]


@dataclass
class Assignment:
    run_id: int
    coders: list[str]
    sample: float
    seed: int
    strata: str | None
    blind: bool
    excerpts: int
    double: list[str] = field(default_factory=list)      # excerpt ids every coder codes
    single: dict[str, list[str]] = field(default_factory=dict)  # coder → their share


@dataclass
class Progress:
    coder: str
    assigned: int
    double: int
    reviewed: int            # assigned excerpts the coder has reviewed
    double_reviewed: int
    remaining: int


def parse_sample(value: str | float, total: int) -> float:
    """'20%', '0.2' or '40' (excerpts) → the share of ``total`` to double-code."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text)
    try:
        if m:
            share = float(m.group(1)) / 100
        elif re.fullmatch(r"\d+", text) and int(text) > 1:
            share = int(text) / total if total else 0.0
        else:
            share = float(text)
    except ValueError:
        raise ThematicError("E530", value=text, problem="not a share or a count") from None
    if not 0 <= share <= 1:
        raise ThematicError("E530", value=text, problem="more than all the excerpts")
    return share


def _coders(coders: list[str]) -> list[str]:
    out: list[str] = []
    for who in coders:
        who = who.strip()
        if not who:
            continue
        if who in out:
            raise ThematicError("E531", value=",".join(coders), problem=f"{who!r} is named "
                                "twice")
        if who.startswith("auto:"):
            raise ThematicError("E531", value=",".join(coders), problem=f"{who!r} is an "
                                "automatic coder")
        out.append(who)
    if len(out) < 2:
        raise ThematicError("E531", value=",".join(coders), problem="fewer than two coders")
    return out


def _strata(excerpts, strata: str | None) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    if strata is None:
        groups[""] = [e.id for e in excerpts]
        return groups
    fields = {"source", "source_id", "location"}
    attrs = sorted({k for e in excerpts for k in e.attributes})
    if strata not in fields and strata not in attrs:
        raise ThematicError("E532", value=strata, suggest=nearest(strata, [*fields, *attrs]),
                            examples=", ".join(attrs[:4]) or "section")
    for e in excerpts:
        key = e.source_id if strata in ("source", "source_id") else (
            e.location if strata == "location" else e.attributes.get(strata))
        groups.setdefault(str(key), []).append(e.id)
    return groups


def assign(store: Store, coders: list[str], sample: str | float, *, seed: int = 0,
           strata: str | None = None, blind: bool = True) -> Assignment:
    """Make and store an assignment run (the newest run is the one in force)."""
    from thematic.coding.common import write
    from thematic.store.corpus import list_excerpts

    chosen = _coders(coders)
    excerpts = list_excerpts(store)
    if not excerpts:
        raise ThematicError("E533")
    share = parse_sample(sample, len(excerpts))
    rng = random.Random(seed)
    double: list[str] = []
    single: dict[str, list[str]] = {c: [] for c in chosen}
    turn = 0
    for _, ids in sorted(_strata(excerpts, strata).items()):
        order = list(ids)
        rng.shuffle(order)
        # Round half up per stratum, so a small stratum still contributes its share.
        n = min(len(order), math.floor(len(order) * share + 0.5))
        double.extend(order[:n])
        for eid in order[n:]:
            single[chosen[turn % len(chosen)]].append(eid)
            turn += 1
    position = {e.id: i for i, e in enumerate(excerpts)}
    double.sort(key=position.__getitem__)
    for ids in single.values():
        ids.sort(key=position.__getitem__)
    rows = [(c, e, 1) for c in chosen for e in double]
    rows += [(c, e, 0) for c, ids in single.items() for e in ids]

    def save() -> int:
        run_id = team.add_run(store, chosen, share, seed, strata, blind, rows)
        store.log("assign", f"run {run_id}", {
            "coders": chosen, "sample": share, "seed": seed, "strata": strata,
            "blind": blind, "double": len(double),
            "single": {c: len(v) for c, v in single.items()}})
        return run_id

    run_id = write(store, "assign", save)
    return Assignment(run_id, chosen, share, seed, strata, blind, len(excerpts), double,
                      single)


def current(store: Store) -> team.Run | None:
    return team.latest_run(store)


def progress(store: Store, coder: str | None = None) -> list[Progress]:
    """Per coder of the run in force: assigned, double-coded, reviewed, remaining."""
    run = team.latest_run(store)
    if run is None:
        raise ThematicError("E534")
    reviewed = db.coverage(store)
    for c in db.list_codings(store, coders=run.coders):
        reviewed.setdefault(c.coder, set()).add(c.excerpt_id)
    mine: dict[str, list[tuple[str, int]]] = {c: [] for c in run.coders}
    for who, eid, double in team.assigned(store, run.id):
        mine.setdefault(who, []).append((eid, double))
    out = []
    for who in run.coders:
        if coder is not None and who != coder:
            continue
        seen = reviewed.get(who, set())
        rows = mine.get(who, [])
        done = [e for e, _ in rows if e in seen]
        out.append(Progress(who, len(rows), sum(d for _, d in rows), len(done),
                            sum(1 for e, d in rows if d and e in seen), len(rows) - len(done)))
    if coder is not None and not out:
        raise ThematicError("E161", what="coder", detail=f"{coder!r} in the assignment",
                            suggest=nearest(coder, run.coders))
    return out


# --- the blind review ----------------------------------------------------------------------

@dataclass
class BlindView:
    """What one coder of a blind run may see: their excerpts, nobody else's decisions."""
    coder: str
    excerpts: set[str]
    hidden: set[str]           # the run's other coders
    decided: set[tuple]

    def shows(self, c: db.Coding) -> bool:
        return c.excerpt_id in self.excerpts and c.coder not in self.hidden

    def pending(self, c: db.Coding) -> bool:
        key = (c.excerpt_id, c.codebook_id, c.code_id, c.coder, c.start, c.end)
        return self.shows(c) and key not in self.decided


def blind_view(store: Store, coder: str) -> BlindView | None:
    """The coder's view while the run in force is blind and names them, else None."""
    run = team.latest_run(store)
    if run is None or not run.blinding or coder not in run.coders:
        return None
    mine = {e for who, e, _ in team.assigned(store, run.id) if who == coder}
    return BlindView(coder, mine, set(run.coders) - {coder}, team.decided(store, coder))


def decide_blind(store: Store, proposal: db.Coding, accept: bool, *, coder: str):
    """A blind coder's accept/reject, inside the caller's transaction: the coder's own
    coding on accept, a recorded decision either way; the proposal stays undecided for the
    other coders. Returns a ``manual.Decision`` for undo."""
    from thematic.coding.manual import Decision

    status = Status.ACCEPTED if accept else Status.REJECTED
    covered = not db.is_reviewed(store, coder, proposal.excerpt_id, proposal.codebook_id)
    decision = Decision(proposal, status, proposal.status, covered=covered)
    team.record_decision(store, coder, proposal, status)
    if accept:
        mine = db.Coding(excerpt_id=proposal.excerpt_id, codebook_id=proposal.codebook_id,
                         code_id=proposal.code_id, coder=coder, method="review",
                         start=proposal.start, end=proposal.end,
                         origin=f"{proposal.coder} {proposal.origin or ''}".strip(),
                         score=proposal.score, status=Status.ACCEPTED)
        if db.add_codings(store, [mine]):
            created = db.find_coding(store, mine.excerpt_id, mine.codebook_id, mine.code_id,
                                     coder, mine.start, mine.end)
            assert created is not None  # just added
            decision.created = created.id
    db.mark_reviewed(store, coder, [proposal.excerpt_id], proposal.codebook_id)
    store.log(f"code {'accept' if accept else 'reject'} blind", proposal.excerpt_id,
              {"id": proposal.id, "code": proposal.code_id, "coder": coder,
               "proposed_by": proposal.coder, "created": decision.created})
    return decision


def undo_blind(store: Store, decision, *, coder: str) -> None:
    p = decision.proposal
    team.forget_decision(store, coder, p)
    if decision.created is not None:
        db.remove_coding(store, decision.created)
    if decision.covered:
        db.unmark_reviewed(store, coder, p.excerpt_id, p.codebook_id)
    store.log("code undo", p.excerpt_id, {"id": p.id, "code": p.code_id, "coder": coder,
                                          "was": decision.status, "blind": True,
                                          "removed": decision.created})


def unblind_if_complete(store: Store, coders: list[str]) -> tuple[bool, str]:
    """After ``agree`` measured ``coders``: lift the blinding of the run in force when it is
    blind, its coders are among those measured and each reviewed the whole double-coded
    sample. Returns (unblinded now, a note for the user; '' when there is no blind run)."""
    from thematic.coding.common import write

    run = team.latest_run(store)
    if run is None or not run.blinding or not set(run.coders) <= set(coders):
        return False, ""
    left = {p.coder: p.double - p.double_reviewed for p in progress(store)}
    if any(left.values()):
        waiting = ", ".join(f"{c} {n}" for c, n in left.items() if n)
        return False, (f"Assignment {run.id} stays blind: double-coded excerpts still to "
                       f"review ({waiting}).")

    def save() -> None:
        team.unblind(store, run.id)
        store.log("assign unblind", f"run {run.id}", {"coders": run.coders})

    write(store, "agree unblind", save)
    return True, (f"Assignment {run.id} unblinded: coders now see each other's decisions; "
                  "reconcile with `thematic agree reconcile`.")
