"""Barrier or facilitator: the direction of an excerpt, by a rule or by a person.

The rule reads cue words (``BARRIER_CUES``, ``FACILITATOR_CUES``) in the excerpt; a
negation cue a few words before a cue flips it ("did not facilitate" is a barrier, "no
barriers" a facilitator). More barrier than facilitator cues makes a barrier and the
reverse a facilitator; as many of each is mixed; no cue leaves the excerpt without a
direction. The rule is a reading aid, stored as coder ``auto:valence`` with the cues that
decided it; a person's direction (``set_direction``) always wins over the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from thematic.errors import ThematicError, nearest

RULE_CODER = "auto:valence"
DIRECTIONS = ("barrier", "facilitator", "mixed", "neutral")
NEGATION_WINDOW = 3
NEGATIONS = frozenset({"no", "not", "never", "without", "nor", "neither", "n't", "cannot"})
# Words that negate a facilitator ("lack of training") but are barrier cues themselves, so
# they do not turn a barrier cue after them into a facilitator.
SCARCITY = frozenset({"little", "absence", "lacked", "lacking", "lack", "few"})
# Phrases (lower case, word boundaries); longer phrases are tried first, so "lack of" wins
# over the bare negation "lack".
BARRIER_CUES = (
    "barrier", "barriers", "hinder", "hindered", "hindering", "hinders", "hindrance",
    "impede", "impeded", "impedes", "impeding", "obstacle", "obstacles", "lack of",
    "lacked", "lacking", "shortage", "shortages", "insufficient", "inadequate",
    "inadequately", "constrained", "constraint", "constraints", "undermined", "undermines",
    "undermining", "prevented", "prevents", "struggled", "struggle", "difficulty",
    "difficulties", "difficult", "challenge", "challenges", "challenging", "limited",
    "unclear", "resistance", "resisted", "reluctance", "reluctant", "poorly", "threatened",
    "jeopardised", "jeopardized", "discouraged", "deterred", "delayed", "unsustainable",
)
FACILITATOR_CUES = (
    "facilitator", "facilitators", "facilitate", "facilitated", "facilitates",
    "facilitating", "enable", "enabled", "enables", "enabling", "enabler", "enablers",
    "help", "helped", "helps", "easier", "precondition", "prerequisite",
    "supported by", "strengthened", "strengthens", "promoted", "promotes", "fostered",
    "fosters", "encouraged", "encourages", "key to", "essential to", "crucial to",
    "contributed to", "made possible", "successful", "success", "valued", "improved",
    "clear", "clearly defined", "sustained", "smooth", "eased",
)


@dataclass(frozen=True)
class Reading:
    direction: str | None         # barrier | facilitator | mixed | None (no cue)
    barriers: tuple[str, ...] = ()
    facilitators: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        parts = []
        if self.barriers:
            parts.append("barrier: " + ", ".join(self.barriers))
        if self.facilitators:
            parts.append("facilitator: " + ", ".join(self.facilitators))
        return "; ".join(parts)


def _pattern(cues: Iterable[str]) -> re.Pattern:
    ordered = sorted(set(cues), key=lambda c: (-len(c), c))
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in ordered) + r")\b")


_BARRIER = _pattern(BARRIER_CUES)
_FACILITATOR = _pattern(FACILITATOR_CUES)
_WORD = re.compile(r"n't|[a-z]+")
_BREAK = re.compile(r"[;:,.()]|\b(?:but|however|although|though|yet|whereas|while)\b")


def _negated(text: str, start: int, scarcity: bool) -> bool:
    before = text[:start]
    cut = max((m.end() for m in _BREAK.finditer(before)), default=0)
    words = _WORD.findall(before[cut:])[-NEGATION_WINDOW:]
    if words[-2:] == ["not", "only"] or words[-2:] == ["not", "just"]:
        return False
    return any(w in NEGATIONS or (scarcity and w in SCARCITY) for w in words)


def read(text: str) -> Reading:
    """The rule's direction for one text, with the cues that decided it."""
    low = text.lower().replace("’", "'")
    barriers: list[str] = []
    facilitators: list[str] = []
    for pattern, own, other, scarcity in ((_BARRIER, barriers, facilitators, False),
                                          (_FACILITATOR, facilitators, barriers, True)):
        for m in pattern.finditer(low):
            cue = m.group(0)
            if _negated(low, m.start(), scarcity):
                other.append(f"not {cue}")
            else:
                own.append(cue)
    b, f = len(barriers), len(facilitators)
    direction = None if b == f == 0 else "barrier" if b > f else \
        "facilitator" if f > b else "mixed"
    return Reading(direction, tuple(barriers), tuple(facilitators))


def check_direction(value: str) -> str:
    text = value.strip().lower()
    if text not in DIRECTIONS:
        raise ThematicError("E632", value=value, choices=", ".join(DIRECTIONS),
                            suggest=nearest(text, DIRECTIONS))
    return text


def apply_rule(store, *, excerpt_ids: list[str] | None = None) -> dict[str, int]:
    """Read every excerpt (or those given) with the rule and store what it finds as coder
    auto:valence, in one transaction; returns the count of each direction."""
    from thematic.store import cfir as db
    from thematic.store.corpus import list_excerpts

    excerpts = list_excerpts(store, ids=excerpt_ids) if excerpt_ids else list_excerpts(store)
    rows, counts = [], {"barrier": 0, "facilitator": 0, "mixed": 0, "none": 0}
    for excerpt in excerpts:
        found = read(excerpt.text)
        counts[found.direction or "none"] += 1
        if found.direction is not None:
            rows.append(db.Valence(excerpt.id, RULE_CODER, found.direction, "rule",
                                   found.origin))
    with store.transaction("cfir valence"):
        if excerpt_ids is None:
            db.clear_valences(store, RULE_CODER)
        db.set_valences(store, rows)
        store.log("cfir valence", RULE_CODER, {"excerpts": len(excerpts), **counts})
    return counts


def set_direction(store, excerpt_id: str, direction: str, *, coder: str,
                  why: str | None = None) -> None:
    """A person's direction for one excerpt (replaces that person's earlier one)."""
    from thematic.lookup import excerpt as resolve_excerpt
    from thematic.store import cfir as db

    direction = check_direction(direction)
    found = resolve_excerpt(store, excerpt_id)
    if coder == RULE_CODER:
        raise ThematicError("E633", coder=coder)
    with store.transaction("cfir valence set"):
        db.set_valences(store, [db.Valence(found.id, coder, direction, "manual", None, why)])
        store.log("cfir valence set", found.id, {"direction": direction, "coder": coder,
                                                  "why": why})


def directions(store) -> dict[str, tuple[str, str]]:
    """excerpt id → (direction, who decided it): a person's newest choice, else the rule."""
    from thematic.store import cfir as db

    out: dict[str, tuple[str, str, str]] = {}
    for row in db.list_valences(store):
        rank = "1" if row.method == "manual" else "0"
        key = rank + (row.created_at or "")
        if row.excerpt_id not in out or key > out[row.excerpt_id][2]:
            out[row.excerpt_id] = (row.direction, row.coder, key)
    return {k: (v[0], v[1]) for k, v in out.items()}
