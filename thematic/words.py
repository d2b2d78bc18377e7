"""Counted nouns in messages: ``plural(1, "excerpt")`` is "1 excerpt", ``plural(2,
"study")`` "2 studies", so that no message prints "excerpt(s)" or "1 excerpts"."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the noun ``one``, or its plural (``many``, else the English rule for a
    regular noun: study → studies, code → codes, coach → coaches)."""
    if count == 1:
        return f"{count} {one}"
    if many is None:
        if one.endswith("y") and one[-2:-1] not in tuple("aeiou"):
            many = one[:-1] + "ies"
        elif one.endswith(("s", "sh", "ch", "x", "z")):
            many = one + "es"
        else:
            many = one + "s"
    return f"{count} {many}"
