"""Projects: create one, find one (like git finds a repository), open its store.

A project is a folder holding ``.thematic/project.db`` (the marker and the database) and
the working folders ``codebooks/``, ``corpus/`` and ``reports/``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from thematic.errors import ThematicError
from thematic.store.db import Store

MARKER = ".thematic"
DATABASE = "project.db"
FOLDERS = ("codebooks", "corpus", "reports")


def database(root: str | os.PathLike) -> Path:
    return Path(root) / MARKER / DATABASE


def init(root: str | os.PathLike) -> Path:
    """Create a project in ``root`` (made if missing) and return its resolved path."""
    root = Path(root).resolve()
    if database(root).exists():
        raise ThematicError("E002", path=root)
    (root / MARKER).mkdir(parents=True, exist_ok=True)
    for name in FOLDERS:
        (root / name).mkdir(exist_ok=True)
    with Store(database(root), create=True) as store, store.transaction("init"):
        store.set_meta("created_with", _version())
        store.log("init", str(root.name), {"path": str(root)})
    return root


def find(start: str | os.PathLike | None = None, explicit: str | os.PathLike | None = None
         ) -> Path:
    """The project root: ``explicit``, else THEMATIC_PROJECT, else search upwards."""
    chosen = explicit or os.environ.get("THEMATIC_PROJECT")
    if chosen:
        root = Path(chosen).resolve()
        if not (root / MARKER).is_dir():
            raise ThematicError("E003", path=root)
        return root
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_dir():
            return folder
    raise ThematicError("E001", path=here)


def open_store(root: str | os.PathLike) -> Store:
    return Store(database(root))


def _version() -> str:
    from thematic import __version__

    return __version__


def database_error(exc: sqlite3.Error, path: Path) -> Exception:
    """The numbered error for what SQLite said about the project file (busy, full, damaged,
    read-only), or ``exc`` unchanged."""
    from thematic.store.db import translate

    return translate(exc, path)
