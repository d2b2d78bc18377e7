"""Typed access to sources (studies), imported files and excerpts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from thematic.store.db import Store, now

SOURCE_FIELDS = ("first_author", "authors", "year", "title", "journal", "doi", "design",
                 "population", "setting", "intervention_type", "country")


@dataclass
class Source:
    id: str
    first_author: str | None = None
    authors: str | None = None
    year: int | None = None
    title: str | None = None
    journal: str | None = None
    doi: str | None = None
    design: str | None = None
    population: str | None = None
    setting: str | None = None
    intervention_type: str | None = None
    country: str | None = None
    attributes: dict = field(default_factory=dict)
    location: str | None = None

    @property
    def citation(self) -> str:
        """'Cooper 2024' — the short in-text citation."""
        who = self.first_author or (self.authors or "").split(",")[0].strip() or self.id
        return f"{who} {self.year}" if self.year else who


@dataclass
class Excerpt:
    id: str
    source_id: str
    text: str
    start: int
    end: int
    location: str
    file: str | None = None
    sha256: str | None = None
    attributes: dict = field(default_factory=dict)
    position: int = 0


def _source(row) -> Source:
    data = {k: row[k] for k in SOURCE_FIELDS}
    return Source(id=row["id"], attributes=json.loads(row["attributes"]),
                  location=row["location"], **data)


def _excerpt(row) -> Excerpt:
    return Excerpt(id=row["id"], source_id=row["source_id"], text=row["text"],
                   start=row["start"], end=row["end"], location=row["location"],
                   file=row["path"], sha256=row["sha256"],
                   attributes=json.loads(row["attributes"]), position=row["position"])


# --- files ------------------------------------------------------------------------------

def find_file(store: Store, path: str, sha256: str) -> int | None:
    return store.scalar("SELECT id FROM files WHERE path = ? AND sha256 = ?", (path, sha256))


def previous_file(store: Store, path: str, kind: str) -> int | None:
    """The last import of the same path (an earlier version of an edited file)."""
    return store.scalar("SELECT id FROM files WHERE path = ? AND kind = ? ORDER BY id DESC "
                        "LIMIT 1", (path, kind))


def add_file(store: Store, path: str, sha256: str, size: int, kind: str) -> int:
    cur = store.execute("INSERT INTO files (path, sha256, size, kind, imported_at) "
                        "VALUES (?, ?, ?, ?, ?)", (path, sha256, size, kind, now()))
    return int(cur.lastrowid)


def files(store: Store) -> list[dict]:
    return [dict(r) for r in store.query("SELECT * FROM files ORDER BY id")]


# --- sources ----------------------------------------------------------------------------

def source_ids(store: Store) -> set[str]:
    return {r[0] for r in store.query("SELECT id FROM sources")}


def get_sources(store: Store, ids: list[str]) -> dict[str, Source]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r["id"]: _source(r) for r in store.query(
        f"SELECT * FROM sources WHERE id IN ({marks})", tuple(ids))}


def upsert_source(store: Store, source: Source, file_id: int | None) -> str:
    """Insert or update one study; returns 'added', 'changed' or 'unchanged'."""
    old = get_sources(store, [source.id]).get(source.id)
    values = [getattr(source, k) for k in SOURCE_FIELDS]
    attrs = json.dumps(source.attributes, sort_keys=True, ensure_ascii=False)
    if old is None:
        store.execute(
            f"INSERT INTO sources (id, {', '.join(SOURCE_FIELDS)}, attributes, file_id, "
            f"location, created_at) VALUES ({','.join('?' * (len(SOURCE_FIELDS) + 5))})",
            (source.id, *values, attrs, file_id, source.location, now()))
        return "added"
    if [getattr(old, k) for k in SOURCE_FIELDS] == values and old.attributes == \
            source.attributes:
        return "unchanged"
    sets = ", ".join(f"{k} = ?" for k in SOURCE_FIELDS)
    store.execute(f"UPDATE sources SET {sets}, attributes = ?, file_id = ?, location = ? "
                  "WHERE id = ?", (*values, attrs, file_id, source.location, source.id))
    return "changed"


def list_sources(store: Store) -> list[Source]:
    rows = store.query("SELECT * FROM sources ORDER BY CAST(id AS INTEGER), id")
    return [_source(r) for r in rows]


# --- excerpts ---------------------------------------------------------------------------

_EXCERPT_SELECT = ("SELECT e.*, f.path, f.sha256 FROM excerpts e "
                   "LEFT JOIN files f ON f.id = e.file_id")


def existing_excerpts(store: Store, ids: list[str]) -> dict[str, tuple[str, int | None, str]]:
    """id → (text_sha, file_id, location) for the ids already stored."""
    out = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        marks = ",".join("?" * len(part))
        for r in store.query(f"SELECT id, text_sha, file_id, location FROM excerpts "
                             f"WHERE id IN ({marks})", tuple(part)):
            out[r[0]] = (r[1], r[2], r[3])
    return out


def next_position(store: Store) -> int:
    return int(store.scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM excerpts"))


def insert_excerpts(store: Store, rows: list[tuple]) -> None:
    """rows: (id, source_id, text, text_sha, file_id, start, end, location, position, attrs)."""
    store.executemany(
        "INSERT INTO excerpts (id, source_id, text, text_sha, file_id, start, end, location, "
        "position, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        f"'{now()}')", rows)


def excerpt_ids_of_file(store: Store, file_id: int) -> set[str]:
    return {r[0] for r in store.query("SELECT id FROM excerpts WHERE file_id = ?", (file_id,))}


def list_excerpts(store: Store, *, source: str | None = None, ids: list[str] | None = None,
                  search: str | None = None, limit: int | None = None) -> list[Excerpt]:
    where, params = [], []
    if source is not None:
        where.append("e.source_id = ?")
        params.append(source)
    if ids is not None:
        where.append(f"e.id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if search:
        where.append("e.text LIKE ?")
        params.append(f"%{search}%")
    sql = _EXCERPT_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY e.position"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_excerpt(r) for r in store.query(sql, tuple(params))]


def get_excerpt(store: Store, excerpt_id: str) -> Excerpt | None:
    row = store.one(_EXCERPT_SELECT + " WHERE e.id = ?", (excerpt_id,))
    return _excerpt(row) if row else None


def all_excerpt_ids(store: Store) -> list[str]:
    return [r[0] for r in store.query("SELECT id FROM excerpts ORDER BY position")]


def counts(store: Store) -> dict[str, int]:
    """Row counts of the main tables, for ``thematic status``."""
    tables = {"studies": "sources", "excerpts": "excerpts", "files": "files",
              "codebooks": "codebooks", "codes": "codes", "codings": "codings",
              "themes": "themes", "topic runs": "topic_runs", "memos": "memos",
              "events": "events"}
    out = {}
    for label, table in tables.items():
        try:
            out[label] = int(store.scalar(f"SELECT COUNT(*) FROM {table}"))
        except Exception:  # a table a later migration adds
            out[label] = 0
    return out


def excerpt_sources(store: Store) -> dict[str, str]:
    """excerpt id → its study, without loading texts (bulk readers such as the network)."""
    return dict(store.query("SELECT id, source_id FROM excerpts"))
