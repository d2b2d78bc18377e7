"""thematic: scriptable, reproducible, auditable qualitative thematic synthesis.

The public API is imported lazily so that ``import thematic`` (and ``thematic --help``)
stays fast: ``thematic.Project`` etc. load their module on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "init": ("thematic.project", "init"),
    "find": ("thematic.project", "find"),
    "open_store": ("thematic.project", "open_store"),
    "Store": ("thematic.store.db", "Store"),
    "ThematicError": ("thematic.errors", "ThematicError"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'thematic' has no attribute {name!r}")


__all__ = ["__version__", *_LAZY]
