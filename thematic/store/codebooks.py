"""Typed access to codebook versions and their codes (the codebook room owns the logic)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from thematic.store.db import Store, now, rowid


@dataclass
class Code:
    id: str
    name: str
    parent: str | None = None
    definition: str = ""
    codable: bool = True
    position: int = 0
    data: dict = field(default_factory=dict)  # include, exclude, examples, cfir, rules, colour


@dataclass
class Codebook:
    id: int                 # the stored version's row id (what codings reference)
    name: str
    version: str
    hash: str
    title: str | None
    metadata: dict
    loaded_at: str
    current: bool
    source_path: str | None = None
    codes: list[Code] = field(default_factory=list)

    def code(self, code_id: str) -> Code | None:
        return next((c for c in self.codes if c.id == code_id), None)

    @property
    def by_id(self) -> dict[str, Code]:
        return {c.id: c for c in self.codes}


def _codebook(row, with_codes: list[Code] | None = None) -> Codebook:
    return Codebook(id=row["id"], name=row["name"], version=row["version"], hash=row["hash"],
                    title=row["title"], metadata=json.loads(row["metadata"]),
                    loaded_at=row["loaded_at"], current=bool(row["current"]),
                    source_path=row["source_path"], codes=with_codes or [])


def find_by_hash(store: Store, digest: str) -> int | None:
    return store.scalar("SELECT id FROM codebooks WHERE hash = ?", (digest,))


def insert_codebook(store: Store, *, name: str, version: str, digest: str, title: str | None,
                    metadata: dict, content: str, source_path: str | None,
                    codes: list[Code]) -> int:
    """Store a new version; it becomes the current one of its name."""
    store.execute("UPDATE codebooks SET current = 0 WHERE name = ?", (name,))
    cur = store.execute(
        "INSERT INTO codebooks (name, version, hash, title, metadata, content, source_path, "
        "loaded_at, current) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (name, version, digest, title, json.dumps(metadata, sort_keys=True,
                                                  ensure_ascii=False), content, source_path,
         now()))
    book_id = rowid(cur)
    store.executemany(
        "INSERT INTO codes (codebook_id, id, parent, name, definition, codable, position, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(book_id, c.id, c.parent, c.name, c.definition, int(c.codable), i,
          json.dumps(c.data, sort_keys=True, ensure_ascii=False)) for i, c in enumerate(codes)])
    return book_id


def code_ids(store: Store, codebook_id: int) -> set[str]:
    return {r[0] for r in store.query("SELECT id FROM codes WHERE codebook_id = ?",
                                      (codebook_id,))}


def codes_of(store: Store, codebook_id: int) -> list[Code]:
    return [Code(id=r["id"], name=r["name"], parent=r["parent"], definition=r["definition"],
                 codable=bool(r["codable"]), position=r["position"], data=json.loads(r["data"]))
            for r in store.query("SELECT * FROM codes WHERE codebook_id = ? ORDER BY position",
                                 (codebook_id,))]


def list_codebooks(store: Store, *, current_only: bool = False) -> list[Codebook]:
    sql = "SELECT * FROM codebooks" + (" WHERE current = 1" if current_only else "")
    return [_codebook(r) for r in store.query(sql + " ORDER BY name, id")]


def get_codebook(store: Store, name: str | None = None, *, id: int | None = None
                 ) -> Codebook | None:
    """A version with its codes: by row id, else the current version of ``name``, else the
    current codebook loaded last (what commands use when no --codebook is given)."""
    if id is not None:
        row = store.one("SELECT * FROM codebooks WHERE id = ?", (id,))
    elif name is not None:
        row = store.one("SELECT * FROM codebooks WHERE name = ? AND current = 1", (name,))
    else:
        row = store.one("SELECT * FROM codebooks WHERE current = 1 ORDER BY id DESC LIMIT 1")
    return _codebook(row, codes_of(store, row["id"])) if row else None


# --- used by the codebook room (thematic/codebook/versions.py) ----------------------------

def content_of(store: Store, codebook_id: int) -> str | None:
    """The canonical JSON a version was loaded from."""
    value = store.scalar("SELECT content FROM codebooks WHERE id = ?", (codebook_id,))
    return None if value is None else str(value)


def make_current(store: Store, codebook_id: int) -> None:
    """Make this version the current one of its name (e.g. when an older file is reloaded)."""
    name = store.scalar("SELECT name FROM codebooks WHERE id = ?", (codebook_id,))
    store.execute("UPDATE codebooks SET current = (id = ?) WHERE name = ?",
                  (codebook_id, name))


def code_counts(store: Store) -> dict[int, tuple[int, int]]:
    """codebook id → (codes, codable codes)."""
    return {r[0]: (r[1], r[2]) for r in store.query(
        "SELECT codebook_id, COUNT(*), SUM(codable) FROM codes GROUP BY codebook_id")}


def coding_counts(store: Store, codebook_ids: list[int]) -> dict[tuple[int, str], int]:
    """(codebook id, code id) → number of codings (any coder, any status) in those versions."""
    if not codebook_ids:
        return {}
    marks = ",".join("?" * len(codebook_ids))
    return {(r[0], r[1]): r[2] for r in store.query(
        f"SELECT codebook_id, code_id, COUNT(*) FROM codings WHERE codebook_id IN ({marks}) "
        "GROUP BY codebook_id, code_id", tuple(codebook_ids))}
