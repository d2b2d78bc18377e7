"""Typed access to sources (studies), imported files and excerpts."""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import NamedTuple

from thematic.store.db import Store, now, rowid

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
    speaker: str | None = None
    role: str | None = None
    language: str | None = None
    context: str | None = None
    excluded: str | None = None          # the reason, when the excerpt is out of the analysis


def _source(row) -> Source:
    data = {k: row[k] for k in SOURCE_FIELDS}
    return Source(id=row["id"], attributes=json.loads(row["attributes"]),
                  location=row["location"], **data)


def _excerpt(row) -> Excerpt:
    attributes = row["attributes"]
    return Excerpt(id=row["id"], source_id=row["source_id"], text=row["text"],
                   start=row["start"], end=row["end"], location=row["location"],
                   file=row["path"], sha256=row["sha256"],
                   # most excerpts have none: no JSON parse for them (100k per report)
                   attributes={} if attributes == "{}" else json.loads(attributes),
                   position=row["position"],
                   speaker=row["speaker"], role=row["role"], language=row["language"],
                   context=row["context"], excluded=row["excluded"])


# --- files ------------------------------------------------------------------------------

def find_file(store: Store, path: str, sha256: str) -> int | None:
    return store.scalar("SELECT id FROM files WHERE path = ? AND sha256 = ?", (path, sha256))


def file_used_as(store: Store, file_id: int, kind: str) -> bool:
    """Whether studies (kind 'studies') or excerpts came from this file row already."""
    table = "sources" if kind == "studies" else "excerpts"
    return store.scalar(f"SELECT 1 FROM {table} WHERE file_id = ? LIMIT 1",
                        (file_id,)) is not None


def previous_file(store: Store, path: str, kind: str) -> int | None:
    """The last import of the same path (an earlier version of an edited file)."""
    return store.scalar("SELECT id FROM files WHERE path = ? AND kind = ? ORDER BY id DESC "
                        "LIMIT 1", (path, kind))


def add_file(store: Store, path: str, sha256: str, size: int, kind: str) -> int:
    cur = store.execute("INSERT INTO files (path, sha256, size, kind, imported_at) "
                        "VALUES (?, ?, ?, ?, ?)", (path, sha256, size, kind, now()))
    return rowid(cur)


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

#: SQL condition (on alias ``e``) for an excerpt in the analysis: not excluded, and not an
#: interviewer's turn (kept for context, never evidence). Every count uses it.
ANALYSED = ("NOT EXISTS (SELECT 1 FROM exclusions x WHERE x.excerpt_id = e.id) "
            "AND COALESCE(e.role, '') <> 'interviewer'")
INTERVIEWER = "interviewer"

_EXCERPT_SELECT = ("SELECT e.*, f.path, f.sha256, x.reason AS excluded FROM excerpts e "
                   "LEFT JOIN files f ON f.id = e.file_id "
                   "LEFT JOIN exclusions x ON x.excerpt_id = e.id")


#: The columns of _EXCERPT_SELECT in the order of Excerpt's fields (list_excerpts).
_EXCERPT_COLUMNS = ('SELECT e.id, e.source_id, e.text, e.start, e."end", e.location, f.path, '
                    "f.sha256, e.attributes, e.position, e.speaker, e.role, e.language, "
                    "e.context, x.reason FROM excerpts e "
                    "LEFT JOIN files f ON f.id = e.file_id "
                    "LEFT JOIN exclusions x ON x.excerpt_id = e.id")


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
    """rows: (id, source_id, text, text_sha, file_id, start, end, location, position, attrs,
    speaker, role, language, context); the last four may be left off."""
    from thematic.store.bulk import ledger_in_bulk

    if rows and len(rows[0]) != 14:
        rows = [tuple(r) + (None,) * (14 - len(r)) for r in rows]
    # a few rows: the trigger is cheaper than setting it aside
    with ledger_in_bulk(store, "excerpts") if len(rows) >= 100 else nullcontext():
        store.executemany(
            "INSERT INTO excerpts (id, source_id, text, text_sha, file_id, start, end, "
            "location, position, attributes, speaker, role, language, context, created_at) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{now()}')", rows)


def excerpt_ids_of_file(store: Store, file_id: int) -> set[str]:
    return {r[0] for r in store.query("SELECT id FROM excerpts WHERE file_id = ?", (file_id,))}


def list_excerpts(store: Store, *, source: str | None = None, ids: list[str] | None = None,
                  search: str | None = None, limit: int | None = None,
                  analysed: bool = False) -> list[Excerpt]:
    """Excerpts in import order; ``analysed`` leaves out excluded ones and interviewer turns."""
    where, params = [], []
    if analysed:
        where.append(ANALYSED)
    if source is not None:
        where.append("e.source_id = ?")
        params.append(source)
    if ids is not None:
        where.append(f"e.id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if search:
        where.append("e.text LIKE ?")
        params.append(f"%{search}%")
    sql = _EXCERPT_COLUMNS + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY e.position"
    if limit:
        sql += f" LIMIT {int(limit)}"
    # tuples in Excerpt's field order, passed by position: a report reads 100k at once,
    # and a Row looked up by name per field was most of the cost
    loads = json.loads
    return [Excerpt(*(*r[:8], {} if r[8] == "{}" else loads(r[8]), *r[9:]))
            for r in store.tuples(sql, tuple(params))]


class ExcerptRow(NamedTuple):
    """What a bulk reader (the report's index) reads of an excerpt: no attributes to parse,
    no file hash, and a tuple made in C, not an Excerpt per row."""
    id: str
    source_id: str
    text: str
    location: str
    file: str | None
    position: int
    speaker: str | None
    language: str | None
    context: str | None


def excerpt_rows(store: Store, *, analysed: bool = False) -> list[ExcerptRow]:
    """Every excerpt as an ExcerptRow, in import order; ``analysed`` as list_excerpts."""
    from functools import partial

    where = f" WHERE {ANALYSED}" if analysed else ""
    rows = store.tuples("SELECT e.id, e.source_id, e.text, e.location, f.path, e.position, "
                        "e.speaker, e.language, e.context FROM excerpts e "
                        f"LEFT JOIN files f ON f.id = e.file_id{where} ORDER BY e.position")
    return list(map(partial(tuple.__new__, ExcerptRow), rows))


def excerpt_texts(store: Store, analysed: bool = False) -> list[tuple[str, str, str | None]]:
    """(id, text, language) of every excerpt in import order, as tuples: what a bulk pass
    over the texts (auto-coding) needs, without an object or parsed attributes per row."""
    where = f" WHERE {ANALYSED}" if analysed else ""
    return store.tuples(
        f"SELECT e.id, e.text, e.language FROM excerpts e{where} ORDER BY e.position")


def get_excerpt(store: Store, excerpt_id: str) -> Excerpt | None:
    row = store.one(_EXCERPT_SELECT + " WHERE e.id = ?", (excerpt_id,))
    return _excerpt(row) if row else None


def all_excerpt_ids(store: Store, analysed: bool = False) -> list[str]:
    """Every excerpt id in import order (``analysed``: only those in the analysis)."""
    where = f" WHERE {ANALYSED}" if analysed else ""
    return [r[0] for r in store.tuples(f"SELECT e.id FROM excerpts e{where} "
                                       "ORDER BY e.position")]


def neighbours(store: Store, excerpt: Excerpt, n: int = 1) -> tuple[list[Excerpt],
                                                                     list[Excerpt]]:
    """Up to ``n`` excerpts before and after ``excerpt`` in the same file (import order)."""
    if excerpt.file is None:
        return [], []
    base = _EXCERPT_SELECT + " WHERE e.file_id = (SELECT file_id FROM excerpts WHERE id = ?)"
    before = store.query(base + " AND e.position < ? ORDER BY e.position DESC LIMIT ?",
                         (excerpt.id, excerpt.position, n))
    after = store.query(base + " AND e.position > ? ORDER BY e.position LIMIT ?",
                        (excerpt.id, excerpt.position, n))
    return [_excerpt(r) for r in reversed(before)], [_excerpt(r) for r in after]


# --- exclusions -------------------------------------------------------------------------

def exclude(store: Store, ids: list[str], reason: str, actor: str) -> list[str]:
    """Take excerpts out of the analysis; returns the ids that were not excluded before."""
    done = {r[0] for r in store.query("SELECT excerpt_id FROM exclusions")}
    fresh = [i for i in dict.fromkeys(ids) if i not in done]
    store.executemany("INSERT INTO exclusions (excerpt_id, reason, actor, excluded_at) "
                      "VALUES (?, ?, ?, ?)", [(i, reason, actor, now()) for i in fresh])
    return fresh


def include(store: Store, ids: list[str]) -> list[str]:
    """Bring excluded excerpts back; returns the ids that were excluded."""
    done = {r[0] for r in store.query("SELECT excerpt_id FROM exclusions")}
    back = [i for i in dict.fromkeys(ids) if i in done]
    store.executemany("DELETE FROM exclusions WHERE excerpt_id = ?", [(i,) for i in back])
    return back


def exclusions(store: Store) -> list[dict]:
    """{"excerpt_id", "reason", "actor", "excluded_at"} of every exclusion, import order."""
    return [dict(r) for r in store.query(
        "SELECT x.excerpt_id, x.reason, x.actor, x.excluded_at FROM exclusions x "
        "JOIN excerpts e ON e.id = x.excerpt_id ORDER BY e.position")]


def role_counts(store: Store) -> dict[str, int]:
    """role → excerpts (turns without a role count under 'none')."""
    return {r[0] or "none": int(r[1]) for r in store.query(
        "SELECT role, COUNT(*) FROM excerpts GROUP BY role ORDER BY role")}


def language_counts(store: Store, analysed: bool = True) -> dict[str, int]:
    """language code → excerpts in the analysis ('' when not detected)."""
    where = f" WHERE {ANALYSED}" if analysed else ""
    return {r[0] or "": int(r[1]) for r in store.query(
        f"SELECT e.language, COUNT(*) FROM excerpts e{where} GROUP BY e.language "
        "ORDER BY e.language")}


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
    return dict(store.tuples("SELECT id, source_id FROM excerpts"))


def excerpt_order(store: Store) -> dict[str, tuple[int, str]]:
    """excerpt id → (position, study), in import order, as tuples (no Excerpt objects)."""
    return {r[0]: (r[1], r[2]) for r in
            store.tuples("SELECT id, position, source_id FROM excerpts ORDER BY position")}


def design_facts(store: Store) -> tuple[bool, bool, int]:
    """What the project's design is read from (``thematic.corpus.design.classify``), over
    the analysed excerpts: whether any is a speaker's turn, whether any has a context (a
    survey question), and how many of their sources are bare (no year, no title)."""
    speaker, context = store.tuples(
        f"SELECT COALESCE(MAX(COALESCE(e.speaker, '') <> ''), 0), "
        f"COALESCE(MAX(COALESCE(e.context, '') <> ''), 0) FROM excerpts e WHERE {ANALYSED}")[0]
    bare = store.scalar(
        "SELECT COUNT(*) FROM sources s WHERE COALESCE(s.year, 0) = 0 "
        "AND COALESCE(s.title, '') = '' AND EXISTS (SELECT 1 FROM excerpts e "
        f"WHERE e.source_id = s.id AND {ANALYSED})")
    return bool(speaker), bool(context), int(bare)
