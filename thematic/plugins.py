"""How the registries fill themselves: the modules of a package (each registers what it
defines) and the entry points of a group (third-party packages). A registry calls one of
these from its own loader, which ``functools.cache`` runs once. Pure Python: nothing heavy
is imported, and nothing is imported until a registry is first read.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

__all__ = ["entry_points", "import_modules"]


def import_modules(package: str, first: str | None = None) -> None:
    """Import every module of the package named ``package``: ``first`` (if given) before
    the others, the rest by name, so registration order, and with it the order of the CLI
    choices, is stable."""
    path = importlib.import_module(package).__path__
    names = sorted(info.name for info in pkgutil.iter_modules(path))
    for name in sorted(names, key=lambda n: n != first):
        importlib.import_module(f"{package}.{name}")


def entry_points(group: str) -> Iterator[tuple[str, Any]]:
    """(name, loaded object) of each installed entry point of ``group``."""
    from importlib.metadata import entry_points as installed

    for point in installed(group=group):
        yield point.name, point.load()
