"""How the registries fill themselves: the modules of a package (each registers what it
defines) and the entry points of a group (third-party packages). A registry calls one of
these from its own loader, which ``functools.cache`` runs once. Pure Python: nothing heavy
is imported, and nothing is imported until a registry is first read.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = ["entry_points", "import_modules", "lazy"]


def lazy(package: str, names: Mapping[str, str | tuple[str, str]],
         submodules: tuple[str, ...] = ()) -> Callable[[str], Any]:
    """A package's module ``__getattr__`` (PEP 562) that imports each name on first use,
    so importing the package stays cheap: ``names`` map a name to its module (absolute, or
    relative to ``package`` with a leading dot) or to (module, attribute); ``submodules``
    are the package's own modules, loaded when first read as attributes."""

    def __getattr__(name: str) -> Any:
        target = names.get(name)
        if target is not None:
            module, attr = (target, name) if isinstance(target, str) else target
            return getattr(importlib.import_module(module, package), attr)
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


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
