"""Regular expressions in rules (``{"LOWER": {"REGEX": "..."}}``), checked before they run.

spaCy hands REGEX values to Python's backtracking ``re``; a nested quantifier such as
``^(a+)+$`` takes exponential time on a 35-character excerpt and hangs ``code auto``. Such
patterns, over-long ones and ones that do not compile are refused with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

MAX_LENGTH = 200  # characters; rule regexes are word shapes, not grammars


def regexes(value: object) -> Iterator[str]:
    """Every REGEX string anywhere inside a token pattern (list of dicts), any depth."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if str(key).upper() == "REGEX" and isinstance(inner, str):
                    yield inner
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)


def problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused, or None."""
    import re

    if len(pattern) > MAX_LENGTH:
        return f"is {len(pattern)} characters long"
    # re's own parser (the public sre_parse alias is deprecated); typeshed has no stub for
    # this private module
    from re import _parser as parser  # type: ignore[attr-defined]

    try:
        tree = parser.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"is not a valid regular expression ({exc})"
    if _nested(tree, inside=False):
        return "repeats a group that itself repeats (a nested quantifier, which can take " \
               "exponential time)"
    return None


def _nested(tree, inside: bool) -> bool:
    from re import _constants as c  # type: ignore[attr-defined]  # (see problem())

    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    for op, av in tree:
        if op in repeats:
            _low, high, sub = av
            if high > 1 and inside:
                return True
            # Only a long outer repeat can multiply the ways an inner one matches.
            if _nested(sub, inside or high == c.MAXREPEAT or high > 10):
                return True
        else:
            for part in _parts(av):
                if _nested(part, inside):
                    return True
    return False


def _parts(av) -> Iterator:
    """The sub-patterns inside an opcode's argument (groups, branches, assertions)."""
    items = av if isinstance(av, (list, tuple)) else [av]
    for item in items:
        if hasattr(item, "data"):  # a SubPattern
            yield item
        elif isinstance(item, (list, tuple)):
            yield from _parts(item)
