"""Excluding excerpts from the analysis (a non-answer, an out-of-scope comment) and
bringing them back. An excluded excerpt stays in the project and in ``excerpts list``, but
leaves every count, theme, network and report; the report's methods say how many and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from thematic.errors import ThematicError, nearest
from thematic.store import corpus as db
from thematic.store.db import Store, actor


@dataclass
class Change:
    changed: list[str]        # ids whose state changed
    unchanged: list[str]      # ids already in the requested state


def _check(store: Store, ids: list[str]) -> list[str]:
    """The ids, deduplicated; E503 (before any write) for one the project lacks."""
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    known = set(db.all_excerpt_ids(store))
    for eid in wanted:
        if eid not in known:
            raise ThematicError("E503", value=eid, suggest=nearest(eid, known))
    return wanted


def exclude(store: Store, ids: list[str], reason: str) -> Change:
    """Take ``ids`` out of the analysis for ``reason``; one transaction, one event."""
    if not reason.strip():
        raise ThematicError("E504")
    wanted = _check(store, ids)
    with store.transaction("excerpts exclude"):
        fresh = db.exclude(store, wanted, reason.strip(), actor())
        if fresh:
            store.log("excerpts exclude", ",".join(fresh), {"excerpts": fresh,
                                                            "reason": reason.strip()})
    return Change(fresh, [i for i in wanted if i not in fresh])


def include(store: Store, ids: list[str]) -> Change:
    """Bring excluded ``ids`` back into the analysis; one transaction, one event."""
    wanted = _check(store, ids)
    with store.transaction("excerpts include"):
        back = db.include(store, wanted)
        if back:
            store.log("excerpts include", ",".join(back), {"excerpts": back})
    return Change(back, [i for i in wanted if i not in back])


def summary(store: Store) -> dict:
    """{"excluded": n, "reasons": [{"reason", "excerpts"}], "interviewer_turns": n} — what
    the report's methods state."""
    rows = db.exclusions(store)
    reasons: dict[str, int] = {}
    for row in rows:
        reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
    return {"excluded": len(rows),
            "reasons": [{"reason": r, "excerpts": n} for r, n in
                        sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))],
            "interviewer_turns": db.role_counts(store).get(db.INTERVIEWER, 0)}
