"""The registries and how they fill themselves: :class:`Registry` (one kind of named
entry: statistics, readers, embedding backends, topic models, exporters), filled on first
read from the modules of a package (each registers what it defines) and the entry points
of a group (third-party packages). Pure Python: nothing heavy is imported, and nothing
is imported until a registry is first read.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from thematic.errors import ThematicError, nearest

__all__ = ["Registry", "entry_points", "import_modules", "lazy"]


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


T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one kind (statistics, readers, backends ...), after spaCy's
    ``catalogue``: ``register`` by name (also as a decorator), ``get`` by name (E750 naming
    the known ones), ``names`` in registration order or sorted. An entry may be *lazy*, a
    ``"module:attribute"`` string imported on first ``get``, so registering a heavy entry
    costs nothing. ``modules`` (a package whose modules register themselves; ``first`` of
    them before the rest) and ``entry_points`` (a group of installed plugins, each loaded
    through ``adopt``) fill the registry on its first read. ``aliases`` are other spellings
    of a name, matched case-insensitively by ``resolve``.
    """

    def __init__(self, kind: str, *, modules: str | None = None, first: str | None = None,
                 entry_points: str | None = None,
                 adopt: Callable[[str, Any], None] | None = None) -> None:
        self.kind = kind
        self.modules, self.first, self.group = modules, first, entry_points
        self._adopt = adopt
        self._entries: dict[str, T | str] = {}
        self._lazy: set[str] = set()
        #: every spelling (lower case) → its name
        self.aliases: dict[str, str] = {}
        self._loaded = False

    def register(self, name: str, entry: T | None = None, *, lazy: str | None = None,
                 aliases: tuple[str, ...] = ()) -> Any:
        """Add (or replace) ``entry`` under ``name`` and return it; with no entry, a
        decorator that registers what it decorates; with ``lazy="module:attribute"``, an
        entry imported when first asked for."""
        if entry is None and lazy is None:
            def decorate(found: T) -> T:
                self.register(name, found, aliases=aliases)
                return found
            return decorate
        self.unregister(name)
        self._entries[name] = lazy if lazy is not None else entry  # type: ignore[assignment]
        if lazy is not None:
            self._lazy.add(name)
        for alias in (name, *aliases):
            self.aliases[alias.lower()] = name
        return entry

    def unregister(self, name: str) -> None:
        """Remove ``name`` (and its aliases); nothing happens when it is not there."""
        self._entries.pop(name, None)
        self._lazy.discard(name)
        for alias in [a for a, n in self.aliases.items() if n == name]:
            del self.aliases[alias]

    def load(self) -> None:
        """Import the registering modules and the installed plugins, once."""
        if self._loaded:
            return
        # set first: a registering module may read the registry while it is imported
        self._loaded = True
        try:
            if self.modules:
                import_modules(self.modules, first=self.first)
            if self.group:
                for name, found in entry_points(self.group):
                    (self._adopt or self.register)(name, found)
        except BaseException:
            self._loaded = False  # a broken plugin: the next read tries (and says) again
            raise

    def find(self, name: str) -> T | None:
        """The entry named ``name`` (lazy ones imported now), or None."""
        self.load()
        if name not in self._entries:
            return None
        if name in self._lazy:
            module, _, attr = str(self._entries[name]).partition(":")
            self._entries[name] = getattr(importlib.import_module(module), attr)
            self._lazy.discard(name)
        return self._entries[name]  # type: ignore[return-value]

    def get(self, name: str) -> T:
        """The entry named ``name``; E750 (the known names, the nearest one) when none is."""
        found = self.find(name)
        if found is None:
            raise ThematicError("E750", kind=self.kind, name=name,
                                known=", ".join(self.names(sort=True)) or "none",
                                suggest=nearest(name, self.names()))
        return found

    def resolve(self, spelling: str) -> str | None:
        """The name ``spelling`` stands for (itself or an alias, any case), or None."""
        self.load()
        return self.aliases.get(spelling.strip().lower())

    def names(self, *, sort: bool = False) -> tuple[str, ...]:
        """The registered names, in registration order or (``sort``) alphabetically."""
        self.load()
        return tuple(sorted(self._entries) if sort else self._entries)

    def entries(self) -> list[T]:
        """Every entry, in registration order (lazy ones imported now)."""
        return [self.get(name) for name in self.names()]

    def items(self) -> list[tuple[str, T]]:
        """(name, entry) pairs in registration order, as a dict's (the registries were
        dicts before)."""
        return [(name, self.get(name)) for name in self.names()]

    def values(self) -> list[T]:
        return self.entries()

    def __contains__(self, name: object) -> bool:
        self.load()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __getitem__(self, name: str) -> T:
        return self.get(name)
