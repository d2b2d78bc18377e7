"""The CFIR rating scale and the rule that suggests a rating from coded evidence (pure
functions, shared by the construct view and the recorded ratings; see cfir.ratings)."""

from __future__ import annotations

from thematic.errors import ThematicError

SCALE = ("-2", "-1", "0", "+1", "+2", "X")
NUMERIC = {"-2": -2, "-1": -1, "0": 0, "+1": 1, "+2": 2}
_ALIASES = {"1": "+1", "2": "+2", "-0": "0", "+0": "0", "x": "X", "mixed": "X",
            "−1": "-1", "−2": "-2"}
MAJORITY = 2 / 3
SUGGEST_RULE = ("suggested from the evidence: no directed excerpt gives 0; barriers and "
                "facilitators with neither at two thirds gives X; otherwise the majority's "
                "sign, strength 2 when it rests on two or more excerpts, else 1")


def parse_rating(value: str) -> str:
    """A rating as typed (-2..+2, 0, X) in its stored form, or E634."""
    text = str(value).strip()
    text = _ALIASES.get(text.lower(), _ALIASES.get(text, text))
    if text not in SCALE:
        raise ThematicError("E634", value=value, scale=", ".join(SCALE))
    return text


def suggest_rating(barriers: int, facilitators: int, excerpts: int) -> str | None:
    """The rating the evidence suggests (the rule in this module's docstring); None
    without evidence."""
    if excerpts <= 0:
        return None
    directed = barriers + facilitators
    if directed == 0:
        return "0"
    top = max(barriers, facilitators)
    if barriers and facilitators and top / directed < MAJORITY:
        return "X"
    strength = 2 if top >= 2 else 1
    return f"+{strength}" if facilitators > barriers else f"-{strength}"
