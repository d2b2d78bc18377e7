"""The choices a network is built and written with, and the check that names them.

A leaf module: the package's ``build`` and the modules it calls import these from here, so
none of them imports the package (which imports them)."""

from __future__ import annotations

from thematic.errors import ThematicError, nearest

LEVELS = ("code", "theme")
UNITS = ("excerpt", "study")
WEIGHTS = ("count", "jaccard", "association", "npmi")
METHODS = ("louvain", "greedy")
ALPHA = 0.05


def check_choice(option: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ThematicError("E304", option=option, choices=", ".join(choices), value=value,
                            suggest=nearest(str(value), choices))
    return str(value)
