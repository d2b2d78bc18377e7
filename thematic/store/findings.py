"""Typed access to review findings, appraisals, CERQual judgements and PRISMA counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from thematic.store.db import Store, actor, now


@dataclass
class Finding:
    id: str                          # F1, F2, … in the order they were added
    number: int
    statement: str
    themes: list[str] = field(default_factory=list)
    codes: list[tuple[str, str]] = field(default_factory=list)   # (codebook, code id)
    created_at: str | None = None
    created_by: str | None = None


@dataclass
class Appraisal:
    source_id: str
    rating: str
    tool: str = ""
    items: dict = field(default_factory=dict)
    location: str = ""


@dataclass
class Judgement:
    finding_id: str
    component: str
    judgement: str
    why: str
    actor: str
    ts: str


# --- findings -------------------------------------------------------------------------------

def list_findings(store: Store) -> list[Finding]:
    themes: dict[str, list[str]] = {}
    for r in store.query("SELECT finding_id, theme_id FROM finding_themes ORDER BY rowid"):
        themes.setdefault(r[0], []).append(r[1])
    codes: dict[str, list[tuple[str, str]]] = {}
    for r in store.query("SELECT finding_id, codebook, code_id FROM finding_codes "
                         "ORDER BY rowid"):
        codes.setdefault(r[0], []).append((r[1], r[2]))
    return [Finding(id=r["id"], number=r["number"], statement=r["statement"],
                    themes=themes.get(r["id"], []), codes=codes.get(r["id"], []),
                    created_at=r["created_at"], created_by=r["created_by"])
            for r in store.query("SELECT * FROM findings ORDER BY number")]


def get_finding(store: Store, finding_id: str) -> Finding | None:
    for found in list_findings(store):
        if found.id == finding_id:
            return found
    return None


def excerpt_positions(store: Store, ids: list[str]) -> dict[str, tuple[int, str]]:
    """excerpt id → (import position, source id) for those of ``ids`` that exist."""
    out: dict[str, tuple[int, str]] = {}
    for at in range(0, len(ids), 900):
        part = ids[at:at + 900]
        marks = ",".join("?" * len(part))
        for r in store.query(f"SELECT id, position, source_id FROM excerpts WHERE id IN "
                             f"({marks})", tuple(part)):
            out[r[0]] = (int(r[1]), r[2])
    return out


def next_number(store: Store) -> int:
    # Numbers are never reused, so a removed F3 cannot be confused with a later finding.
    used = store.scalar("SELECT MAX(CAST(substr(entity, 2) AS INTEGER)) FROM events "
                        "WHERE action = 'finding add'")
    current = store.scalar("SELECT MAX(number) FROM findings")
    return max(int(used or 0), int(current or 0)) + 1


def insert_finding(store: Store, finding: Finding) -> None:
    store.execute("INSERT INTO findings (id, number, statement, created_at, created_by) "
                  "VALUES (?, ?, ?, ?, ?)", (finding.id, finding.number, finding.statement,
                                             now(), actor()))
    store.executemany("INSERT INTO finding_themes (finding_id, theme_id) VALUES (?, ?)",
                      [(finding.id, t) for t in finding.themes])
    store.executemany("INSERT INTO finding_codes (finding_id, codebook, code_id) "
                      "VALUES (?, ?, ?)", [(finding.id, b, c) for b, c in finding.codes])


def delete_finding(store: Store, finding_id: str) -> None:
    for table in ("finding_themes", "finding_codes", "cerqual_judgements"):
        store.execute(f"DELETE FROM {table} WHERE finding_id = ?", (finding_id,))
    store.execute("DELETE FROM findings WHERE id = ?", (finding_id,))


# --- appraisal ------------------------------------------------------------------------------

def list_appraisals(store: Store) -> dict[str, Appraisal]:
    return {r["source_id"]: Appraisal(source_id=r["source_id"], rating=r["rating"],
                                      tool=r["tool"], items=json.loads(r["items"]),
                                      location=r["location"])
            for r in store.query("SELECT * FROM appraisals ORDER BY CAST(source_id AS INTEGER),"
                                 " source_id")}


def upsert_appraisal(store: Store, item: Appraisal, file_id: int | None) -> None:
    store.execute(
        "INSERT INTO appraisals (source_id, tool, rating, items, file_id, location, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source_id) DO UPDATE SET tool = "
        "excluded.tool, rating = excluded.rating, items = excluded.items, file_id = "
        "excluded.file_id, location = excluded.location, created_at = excluded.created_at",
        (item.source_id, item.tool, item.rating, json.dumps(item.items, ensure_ascii=False),
         file_id, item.location, now()))


def delete_appraisal(store: Store, source_id: str) -> None:
    store.execute("DELETE FROM appraisals WHERE source_id = ?", (source_id,))


# --- CERQual --------------------------------------------------------------------------------

def add_judgement(store: Store, finding_id: str, component: str, judgement: str,
                  why: str) -> None:
    store.execute("INSERT INTO cerqual_judgements (finding_id, component, judgement, why, "
                  "actor, ts) VALUES (?, ?, ?, ?, ?, ?)",
                  (finding_id, component, judgement, why, actor(), now()))


def judgements(store: Store) -> dict[str, dict[str, Judgement]]:
    """finding id → component → its latest judgement."""
    out: dict[str, dict[str, Judgement]] = {}
    for r in store.query("SELECT * FROM cerqual_judgements ORDER BY id"):
        out.setdefault(r["finding_id"], {})[r["component"]] = Judgement(
            r["finding_id"], r["component"], r["judgement"], r["why"], r["actor"], r["ts"])
    return out


# --- PRISMA ---------------------------------------------------------------------------------

def replace_prisma(store: Store, counts: dict[str, int], reasons: list[tuple[str, int]],
                   sources: list[tuple[str, int]],
                   records: list[tuple[str, str, str, str, str, int]]) -> None:
    for table in ("prisma_counts", "prisma_reasons", "prisma_sources", "screening_records"):
        store.execute(f"DELETE FROM {table}")
    store.executemany("INSERT INTO prisma_counts (key, value) VALUES (?, ?)",
                      sorted(counts.items()))
    store.executemany("INSERT INTO prisma_reasons (reason, value, position) VALUES (?, ?, ?)",
                      [(r, n, i) for i, (r, n) in enumerate(reasons)])
    store.executemany("INSERT INTO prisma_sources (source, value, position) VALUES (?, ?, ?)",
                      [(s, n, i) for i, (s, n) in enumerate(sources)])
    store.executemany("INSERT INTO screening_records (record_id, source, stage, decision, "
                      "reason, row) VALUES (?, ?, ?, ?, ?, ?)", records)


def prisma(store: Store) -> tuple[dict[str, int], list[tuple[str, int]], list[tuple[str, int]]]:
    """(counts, full-text exclusion reasons, identification sources)."""
    counts = {r[0]: int(r[1]) for r in store.query("SELECT key, value FROM prisma_counts")}
    reasons = [(r[0], int(r[1])) for r in
               store.query("SELECT reason, value FROM prisma_reasons ORDER BY position")]
    sources = [(r[0], int(r[1])) for r in
               store.query("SELECT source, value FROM prisma_sources ORDER BY position")]
    return counts, reasons, sources


def screening_record_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(DISTINCT record_id) FROM screening_records") or 0)
