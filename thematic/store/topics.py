"""Typed access to topic runs, their candidate themes and members, and the embedding cache."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from thematic.store.db import Store, now, rowid


@dataclass
class Run:
    id: int
    created_at: str
    model: str
    params: dict
    outlier_share: float | None
    n_documents: int


@dataclass
class Candidate:
    """One topic of a run: a candidate theme."""
    run_id: int
    topic: int                                   # -1 = the outlier topic
    label: str
    keywords: list[tuple[str, float]]
    size: int
    representative: list[str]                    # excerpt ids, most typical first
    nearest_codes: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)     # studies, suggested codes, years, ...

    @property
    def studies(self) -> list[str]:
        return list(self.data.get("studies", []))


def _run(row) -> Run:
    return Run(id=row["id"], created_at=row["created_at"], model=row["model"],
               params=json.loads(row["params"]), outlier_share=row["outlier_share"],
               n_documents=row["n_documents"])


def _candidate(row) -> Candidate:
    return Candidate(run_id=row["run_id"], topic=row["topic"], label=row["label"],
                     keywords=[(w, float(s)) for w, s in json.loads(row["keywords"])],
                     size=row["size"], representative=json.loads(row["representative"]),
                     nearest_codes=json.loads(row["nearest_codes"]),
                     data=json.loads(row["data"]))


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def insert_run(store: Store, *, model: str, params: dict, outlier_share: float | None,
               n_documents: int) -> int:
    cur = store.execute("INSERT INTO topic_runs (created_at, model, params, outlier_share, "
                        "n_documents) VALUES (?, ?, ?, ?, ?)",
                        (now(), model, _json(params), outlier_share, n_documents))
    return rowid(cur)


def insert_candidates(store: Store, candidates: list[Candidate]) -> None:
    store.executemany(
        "INSERT INTO topics (run_id, topic, label, keywords, size, representative, "
        "nearest_codes, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(c.run_id, c.topic, c.label, json.dumps([[w, round(s, 6)] for w, s in c.keywords]),
          c.size, json.dumps(c.representative), _json(c.nearest_codes), _json(c.data))
         for c in candidates])


def insert_members(store: Store, run_id: int,
                   members: list[tuple[str, int, float | None]],
                   reassigned: set[str] | frozenset[str] = frozenset()) -> None:
    """members: (excerpt id, topic, probability); ``reassigned``: the excerpt ids HDBSCAN
    left as outliers that reduce_outliers reassigned to their topic."""
    store.executemany("INSERT INTO topic_members (run_id, topic, excerpt_id, probability, "
                      "reassigned) VALUES (?, ?, ?, ?, ?)",
                      [(run_id, t, e, p, int(e in reassigned)) for e, t, p in members])


def list_runs(store: Store) -> list[Run]:
    return [_run(r) for r in store.query("SELECT * FROM topic_runs ORDER BY id")]


def get_run(store: Store, run_id: int) -> Run | None:
    row = store.one("SELECT * FROM topic_runs WHERE id = ?", (run_id,))
    return _run(row) if row else None


def latest_run_id(store: Store) -> int | None:
    value = store.scalar("SELECT MAX(id) FROM topic_runs")
    return int(value) if value is not None else None


def list_candidates(store: Store, run_id: int, *, outliers: bool = True) -> list[Candidate]:
    sql = "SELECT * FROM topics WHERE run_id = ?" + ("" if outliers else " AND topic >= 0")
    return [_candidate(r) for r in store.query(sql + " ORDER BY topic", (run_id,))]


def get_candidate(store: Store, run_id: int, topic: int) -> Candidate | None:
    row = store.one("SELECT * FROM topics WHERE run_id = ? AND topic = ?", (run_id, topic))
    return _candidate(row) if row else None


def members(store: Store, run_id: int, topic: int | None = None
            ) -> list[tuple[str, int, float | None]]:
    """(excerpt id, topic, probability) in import order."""
    sql = ("SELECT m.excerpt_id, m.topic, m.probability FROM topic_members m "
           "JOIN excerpts e ON e.id = m.excerpt_id WHERE m.run_id = ?")
    params: tuple = (run_id,)
    if topic is not None:
        sql += " AND m.topic = ?"
        params = (run_id, topic)
    return [(r[0], int(r[1]), r[2]) for r in store.query(sql + " ORDER BY e.position", params)]


def members_by_year(store: Store, run_id: int) -> list[tuple[int, int | None, int, int]]:
    """(topic, study year, excerpts, studies) for every topic and year of a run."""
    rows = store.query(
        "SELECT m.topic, s.year, COUNT(*), COUNT(DISTINCT s.id) FROM topic_members m "
        "JOIN excerpts e ON e.id = m.excerpt_id JOIN sources s ON s.id = e.source_id "
        "WHERE m.run_id = ? GROUP BY m.topic, s.year ORDER BY m.topic, s.year", (run_id,))
    return [(int(r[0]), r[1], int(r[2]), int(r[3])) for r in rows]


# --- the embedding cache ----------------------------------------------------------------

def cached_vectors(store: Store, model: str, shas: list[str]) -> dict[str, tuple[int, bytes]]:
    """text sha → (dim, float32 little-endian bytes) for the texts already embedded."""
    out: dict[str, tuple[int, bytes]] = {}
    unique = sorted(set(shas))
    for start in range(0, len(unique), 900):
        part = unique[start:start + 900]
        marks = ",".join("?" * len(part))
        for r in store.query(f"SELECT text_sha, dim, vector FROM embeddings WHERE model = ? "
                             f"AND text_sha IN ({marks})", (model, *part)):
            out[r[0]] = (int(r[1]), bytes(r[2]))
    return out


def cache_vectors(store: Store, model: str, rows: list[tuple[str, int, bytes]]) -> None:
    """rows: (text sha, dim, float32 little-endian bytes)."""
    store.executemany("INSERT OR REPLACE INTO embeddings (model, text_sha, dim, vector) "
                      "VALUES (?, ?, ?, ?)", [(model, s, d, v) for s, d, v in rows])
