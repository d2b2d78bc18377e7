"""thematic: scriptable, reproducible, auditable qualitative thematic synthesis.

The public API is imported lazily so that ``import thematic`` (and ``thematic --help``)
stays fast: ``thematic.Project`` etc. load their module on first use.
"""

from __future__ import annotations

from thematic.plugins import lazy

__version__ = "0.1.0"

_LAZY = {
    "init": ("thematic.project", "init"),
    "find": ("thematic.project", "find"),
    "open_store": ("thematic.project", "open_store"),
    "Store": ("thematic.store.db", "Store"),
    "ThematicError": ("thematic.errors", "ThematicError"),
}


__getattr__ = lazy(__name__, _LAZY)


__all__ = ["__version__", *_LAZY]
