"""The read-only queries the audit and trace rooms need (all their SQL lives here).

Nothing here writes. The integrity queries use LEFT JOINs rather than trusting the foreign
keys, because a project edited by hand (or opened with foreign keys off) can break them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from thematic.store.corpus import ANALYSED
from thematic.store.db import Store, coder_sql

EXAMPLES = 5  # example ids a problem lists; the count says how many there are in all


@contextmanager
def snapshot(store: Store) -> Iterator[None]:
    """A read transaction: every query inside sees the database as it was at the first."""
    if store._depth:  # already inside a transaction, which is a snapshot too
        yield
        return
    store.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        store.execute("ROLLBACK")


# --- codings ----------------------------------------------------------------------------

def orphan_codings(store: Store) -> list[dict]:
    """Codings whose excerpt, codebook version or code is gone."""
    rows = store.query(
        "SELECT c.id, c.excerpt_id, c.codebook_id, c.code_id, c.coder, c.status, "
        "       e.id IS NULL AS no_excerpt, b.id IS NULL AS no_codebook, "
        "       k.id IS NULL AS no_code, b.name AS codebook "
        "FROM codings c "
        "LEFT JOIN excerpts e ON e.id = c.excerpt_id "
        "LEFT JOIN codebooks b ON b.id = c.codebook_id "
        "LEFT JOIN codes k ON k.codebook_id = c.codebook_id AND k.id = c.code_id "
        "WHERE e.id IS NULL OR k.id IS NULL ORDER BY c.id")
    return [dict(r) for r in rows]


def stale_codings(store: Store) -> list[dict]:
    """Accepted codings against a codebook version that is no longer current, grouped by
    (version, code): codebook_id, name, version, code_id, n, examples (coding ids)."""
    rows = store.query(
        "SELECT c.codebook_id, b.name, b.version, c.code_id, COUNT(*) AS n "
        "FROM codings c JOIN codebooks b ON b.id = c.codebook_id "
        "WHERE b.current = 0 AND c.status = 'accepted' "
        "GROUP BY c.codebook_id, c.code_id ORDER BY b.name, c.codebook_id, c.code_id")
    out = []
    for r in rows:
        found = dict(r)
        found["examples"] = [x[0] for x in store.query(
            "SELECT excerpt_id FROM codings WHERE codebook_id = ? AND code_id = ? "
            "AND status = 'accepted' ORDER BY id LIMIT ?",
            (r["codebook_id"], r["code_id"], EXAMPLES))]
        out.append(found)
    return out


def current_codebooks(store: Store) -> dict[str, int]:
    """codebook name → row id of its current version."""
    return {r[0]: r[1] for r in store.query(
        "SELECT name, MAX(id) FROM codebooks WHERE current = 1 GROUP BY name")}


def codes_by_book(store: Store, codebook_ids: list[int]) -> dict[int, dict[str, dict]]:
    """codebook id → code id → {name, parent, definition} for those versions."""
    out: dict[int, dict[str, dict]] = {i: {} for i in codebook_ids}
    if not codebook_ids:
        return out
    marks = ",".join("?" * len(codebook_ids))
    for r in store.query(f"SELECT codebook_id, id, name, parent, definition FROM codes "
                         f"WHERE codebook_id IN ({marks}) ORDER BY position",
                         tuple(codebook_ids)):
        out[r[0]][r[1]] = {"name": r[2], "parent": r[3], "definition": r[4]}
    return out


def used_codes(store: Store) -> list[dict]:
    """Every (codebook name, code id) with accepted codings: codings and excerpts counts."""
    rows = store.query(
        "SELECT b.name AS codebook, c.code_id, COUNT(*) AS codings, "
        "       COUNT(DISTINCT c.excerpt_id) AS excerpts "
        "FROM codings c JOIN codebooks b ON b.id = c.codebook_id "
        "WHERE c.status = 'accepted' GROUP BY b.name, c.code_id ORDER BY b.name, c.code_id")
    return [dict(r) for r in rows]


Groups = dict[tuple[int, str], tuple[int, int, int]]


def accepted_groups(store: Store, coders: list[str] | None = None) -> Groups:
    """(studies, excerpts, codings) of the accepted codings (by ``coders``) of analysed
    excerpts, by (codebook version id, code id): one pass from which a report's project,
    codebook and code figures are summed (each would otherwise scan the codings again)."""
    by, who = coder_sql(coders)
    return {(int(r[0]), r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in store.tuples(
        "SELECT c.codebook_id, c.code_id, COUNT(DISTINCT e.source_id), "
        f"COUNT(DISTINCT c.excerpt_id), COUNT(*) FROM {_ACCEPTED}{by} "
        "GROUP BY c.codebook_id, c.code_id", who)}


def code_evidence_all(store: Store, codebook: str | None = None,
                      coders: list[str] | None = None, groups: Groups | None = None
                      ) -> dict[str, tuple[int, int, int]]:
    """(studies, excerpts, codings) of the accepted codings (by ``coders``) of every code
    that has any, by code id, in one grouped query: a report states many codes' figures,
    and a query per code re-read the codings each time. ``groups`` (accepted_groups, by the
    same coders): read from it when each code's codings are in one codebook version."""
    if groups is not None:
        ids = None if codebook is None else {int(r[0]) for r in store.tuples(
            "SELECT id FROM codebooks WHERE name = ?", (codebook,))}
        found: dict[str, list[tuple[int, int, int]]] = {}
        for (book, code), figures in groups.items():
            if ids is None or book in ids:
                found.setdefault(code, []).append(figures)
        # a code in several versions: its distinct studies and excerpts do not add up
        if all(len(v) == 1 for v in found.values()):
            return {code: v[0] for code, v in found.items()}
    by, who = coder_sql(coders)
    sql = ("SELECT c.code_id, COUNT(DISTINCT e.source_id), COUNT(DISTINCT c.excerpt_id), "
           "COUNT(*) FROM codings c JOIN excerpts e ON e.id = c.excerpt_id "
           "JOIN codebooks b ON b.id = c.codebook_id "
           f"WHERE c.status = 'accepted' AND {ANALYSED}" + by)
    params: tuple = tuple(who)
    if codebook is not None:
        sql += " AND b.name = ?"
        params += (codebook,)
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]))
            for r in store.tuples(sql + " GROUP BY c.code_id", params)}


def code_known(store: Store, code_id: str, codebook: str | None = None) -> bool:
    sql = "SELECT 1 FROM codes k JOIN codebooks b ON b.id = k.codebook_id WHERE k.id = ?"
    params: tuple = (code_id,)
    if codebook is not None:
        sql += " AND b.name = ?"
        params += (codebook,)
    return store.one(sql + " LIMIT 1", params) is not None


# Accepted codings of excerpts in the analysis (excluded excerpts and interviewer turns
# count nowhere in a report, so the audit re-derives its figures the same way).
_ACCEPTED = (f"codings c JOIN excerpts e ON e.id = c.excerpt_id "
             f"WHERE c.status = 'accepted' AND {ANALYSED}")


def project_counts(store: Store, coders: list[str] | None = None,
                   groups: Groups | None = None) -> dict[str, int]:
    """What a report's project-level claim may state (codings = accepted ones by
    ``coders``, the evidence coders; pairs = distinct excerpt–code pairs among them).
    ``groups``: accepted_groups by the same coders, which holds three of the counts."""
    by, who = coder_sql(coders)
    accepted = f"FROM {_ACCEPTED}" + by
    if groups is not None:
        # a pair is an (excerpt, codebook version, code): each group counts its own. The
        # excerpts are counted by probing each one's codings (codings_unique, excerpt id
        # first; "+" keeps SQLite from the coder index, which would scan all codings per
        # excerpt), the coders by one analysed coding each: both far cheaper than
        # COUNT(DISTINCT) over every coding
        probe, whom = coder_sql(coders, "+c.coder")
        excerpts = store.scalar(
            f"SELECT COUNT(*) FROM excerpts e WHERE {ANALYSED} AND EXISTS (SELECT 1 FROM "
            f"codings c WHERE c.excerpt_id = e.id AND +c.status = 'accepted'{probe})", whom)
        named, _ = coder_sql(coders, "coder")
        people = store.scalar(
            "SELECT COUNT(*) FROM (SELECT DISTINCT coder FROM codings WHERE status = "
            f"'accepted'{named}) d WHERE EXISTS (SELECT 1 FROM {_ACCEPTED} "
            "AND c.coder = d.coder)", who)
        row: tuple = (sum(g[2] for g in groups.values()), excerpts, people, len(groups))
        pairs = sum(g[1] for g in groups.values())
    else:
        # one scan for four of the counts (a codebook id is an integer, so "id:code" is
        # unambiguous); excerpt–code pairs need their own
        found = store.one("SELECT COUNT(*), COUNT(DISTINCT c.excerpt_id), "
                          "COUNT(DISTINCT c.coder), COUNT(DISTINCT c.codebook_id || ':' || "
                          f"c.code_id) {accepted}", who)
        assert found is not None  # an aggregate query always returns one row
        row = tuple(found)
        pairs = int(store.scalar(f"SELECT COUNT(*) FROM (SELECT DISTINCT c.excerpt_id, "
                                 f"c.codebook_id, c.code_id {accepted})", who))
    return {
        "studies": int(store.scalar("SELECT COUNT(*) FROM sources")),
        "excerpts": int(store.scalar(f"SELECT COUNT(*) FROM excerpts e WHERE {ANALYSED}")),
        "studies_with_excerpts": int(store.scalar("SELECT COUNT(DISTINCT source_id) "
                                                  f"FROM excerpts e WHERE {ANALYSED}")),
        "coded_excerpts": int(row[1]),
        "codings": int(row[0]),
        "pairs": pairs,
        "proposed": count_proposed(store),
        "themes": int(store.scalar("SELECT COUNT(*) FROM themes")),
        "coders": int(row[2]),
        "codes": int(row[3]),
    }


def coder_counts(store: Store, coder: str) -> dict[str, int]:
    row = store.one(f"SELECT COUNT(*), COUNT(DISTINCT c.excerpt_id) FROM {_ACCEPTED} "
                    "AND c.coder = ?", (coder,))
    assert row is not None  # an aggregate query always returns one row
    return {"codings": int(row[0]), "excerpts": int(row[1])}


def design_counts(store: Store, design: str) -> dict[str, int]:
    return {"studies": int(store.scalar("SELECT COUNT(*) FROM sources WHERE design = ?",
                                        (design,)))}


def codebook_counts(store: Store, name: str, version: str | None = None,
                    coders: list[str] | None = None, groups: Groups | None = None
                    ) -> dict[str, int] | None:
    """codes, codable codes and accepted codings (by ``coders``) of one version of a
    codebook: ``version``, else the only version with accepted codings, else the current
    one. None if unknown. ``groups``: accepted_groups by the same coders (summed)."""
    if groups is not None:
        per: dict[int, int] = {}
        for (book_id, _), figures in groups.items():
            per[book_id] = per.get(book_id, 0) + figures[2]
        versions: list = [{"id": r[0], "version": r[1], "current": r[2], "n": per.get(r[0], 0)}
                    for r in store.tuples("SELECT id, version, current FROM codebooks "
                                          "WHERE name = ? ORDER BY id", (name,))]
    else:
        by, who = coder_sql(coders)
        versions = store.query(
            f"SELECT b.id, b.version, b.current, (SELECT COUNT(*) FROM {_ACCEPTED} AND "
            f"c.codebook_id = b.id{by}) AS n FROM codebooks b "
            "WHERE b.name = ? ORDER BY b.id", (*who, name))
    if version is not None:
        chosen = [v for v in versions if v["version"] == version][-1:]
    else:
        chosen = [v for v in versions if v["n"]]
        if len(chosen) != 1:
            chosen = [v for v in versions if v["current"]][-1:]
    if not chosen:
        return None
    book = chosen[0]
    row = store.one("SELECT COUNT(*), COALESCE(SUM(codable), 0) FROM codes "
                    "WHERE codebook_id = ?", (book["id"],))
    assert row is not None  # an aggregate query always returns one row
    return {"codes": int(row[0]), "codable": int(row[1]), "codings": int(book["n"])}


def accepted_codes(store: Store, excerpt_ids: list[str], coders: list[str] | None = None
                   ) -> dict[str, set[str]]:
    """excerpt id → the ids of its accepted codes (by ``coders``, any codebook)."""
    out: dict[str, set[str]] = {}
    ids = list(dict.fromkeys(excerpt_ids))
    by, who = coder_sql(coders, "coder")
    for at in range(0, len(ids), 900):
        part = ids[at:at + 900]
        marks = ",".join("?" * len(part))
        for r in store.query(f"SELECT excerpt_id, code_id FROM codings WHERE status = "
                             f"'accepted' AND excerpt_id IN ({marks}){by}",
                             (*part, *who)):
            out.setdefault(r[0], set()).add(r[1])
    return out


def count_excerpts(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM excerpts"))


def count_codings(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM codings"))


def count_proposed(store: Store) -> int:
    """Codings still awaiting review (the automatic coder's proposals)."""
    return int(store.scalar("SELECT COUNT(*) FROM codings WHERE status = 'proposed'") or 0)


# --- files ------------------------------------------------------------------------------

def file_usage(store: Store) -> list[dict]:
    """Every imported file that excerpts or studies still point to, with how many and a few
    example ids, and the newest import of the same path (an edited file re-imported)."""
    excerpts = {r[0]: r[1] for r in store.query(
        "SELECT file_id, COUNT(*) FROM excerpts WHERE file_id IS NOT NULL GROUP BY file_id")}
    sources = {r[0]: r[1] for r in store.query(
        "SELECT file_id, COUNT(*) FROM sources WHERE file_id IS NOT NULL GROUP BY file_id")}
    newest = {r[0]: r[1] for r in store.query("SELECT path, MAX(id) FROM files GROUP BY path")}
    out = []
    for r in store.query("SELECT id, path, sha256, kind FROM files ORDER BY id"):
        if r["id"] not in excerpts and r["id"] not in sources:
            continue
        found = dict(r)
        found["excerpts"] = excerpts.get(r["id"], 0)
        found["sources"] = sources.get(r["id"], 0)
        found["newest"] = newest[r["path"]]
        table = "excerpts" if found["excerpts"] else "sources"
        found["examples"] = [x[0] for x in store.query(
            f"SELECT id FROM {table} WHERE file_id = ? ORDER BY "
            f"{'position' if table == 'excerpts' else 'id'} LIMIT ?", (r["id"], EXAMPLES))]
        out.append(found)
    return out


def file_hash(store: Store, file_id: int) -> str:
    return str(store.scalar("SELECT sha256 FROM files WHERE id = ?", (file_id,)))


# --- event log (its events: Store.events()) ---------------------------------------------

def event_sequence(store: Store) -> int | None:
    """The highest event id ever handed out (AUTOINCREMENT remembers it after deletions)."""
    value = store.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
    return None if value is None else int(value)


def state(store: Store) -> tuple:
    """What two connections compare to know they read the same project: the last event
    (id, hash) and the row count and highest rowid of each table evidence rests on."""
    row = store.one("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    out: list = [tuple(row) if row else None]
    for table in ("excerpts", "codings", "themes", "theme_codes", "sources"):
        out.append(tuple(store.one(f"SELECT COUNT(*), MAX(rowid) FROM {table}") or ()))
    return tuple(out)


def event_span(store: Store) -> tuple[str | None, str | None]:
    """The first and last event's times (None, None before any)."""
    row = store.one("SELECT MIN(ts), MAX(ts) FROM events")
    return (row[0], row[1]) if row else (None, None)


def event_triggers(store: Store) -> set[str]:
    return {r[0] for r in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")}


# --- ids and lookups for trace and report checks ----------------------------------------

def all_ids(store: Store, table: str) -> list[str]:
    if table not in ("excerpts", "sources", "themes"):
        raise ValueError(table)
    return [r[0] for r in store.query(f"SELECT id FROM {table}")]


def excerpt_ids(store: Store, ids: list[str]) -> set[str]:
    """Those of ``ids`` that are excerpts (no text read: a report anchors every excerpt of
    its appendix, 100k at 100k excerpts)."""
    wanted = set(ids)
    if len(wanted) > 5_000:     # one scan of the ids beats thousands of lookups
        return wanted.intersection(all_ids(store, "excerpts"))
    out: set[str] = set()
    listed = list(wanted)
    for at in range(0, len(listed), 900):
        part = listed[at:at + 900]
        out.update(r[0] for r in store.tuples(
            f"SELECT id FROM excerpts WHERE id IN ({','.join('?' * len(part))})",
            tuple(part)))
    return out


def excerpt_texts(store: Store, ids: list[str]) -> dict[str, tuple[str, str]]:
    """excerpt id → (text, source id) for those of ``ids`` that exist."""
    out = {}
    ids = list(dict.fromkeys(ids))
    for at in range(0, len(ids), 900):
        part = ids[at:at + 900]
        marks = ",".join("?" * len(part))
        for r in store.query(f"SELECT id, text, source_id FROM excerpts WHERE id IN ({marks})",
                             tuple(part)):
            out[r[0]] = (r[1], r[2])
    return out


def current_codes_named(store: Store, code_id: str) -> list[tuple[str, int]]:
    """(codebook name, version row id) of every current codebook that has this code."""
    return [(r[0], r[1]) for r in store.query(
        "SELECT b.name, b.id FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
        "WHERE k.id = ? AND b.current = 1 ORDER BY b.name", (code_id,))]


def all_code_ids(store: Store) -> list[str]:
    return [r[0] for r in store.query(
        "SELECT DISTINCT k.id FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
        "WHERE b.current = 1")]


def codings_of_code(store: Store, codebook: str, code_id: str,
                    status: str | None = "accepted") -> list[dict]:
    """Codings of one code (any version of the named codebook), in excerpt import order."""
    sql = ("SELECT c.*, b.name AS codebook, b.version AS codebook_version, b.current "
           "FROM codings c JOIN codebooks b ON b.id = c.codebook_id "
           "JOIN excerpts e ON e.id = c.excerpt_id WHERE b.name = ? AND c.code_id = ?")
    params: tuple = (codebook, code_id)
    if status is not None:
        sql += " AND c.status = ?"
        params += (status,)
    return [dict(r) for r in store.query(sql + " ORDER BY e.position, c.coder, c.id", params)]


def codings_of_excerpt(store: Store, excerpt_id: str) -> list[dict]:
    """Every coding of one excerpt (any status), with its codebook name and version."""
    return [dict(r) for r in store.query(
        "SELECT c.*, b.name AS codebook, b.version AS codebook_version, b.current, "
        "       k.name AS code_name "
        "FROM codings c LEFT JOIN codebooks b ON b.id = c.codebook_id "
        "LEFT JOIN codes k ON k.codebook_id = c.codebook_id AND k.id = c.code_id "
        "WHERE c.excerpt_id = ? ORDER BY b.name, c.code_id, c.coder, c.id", (excerpt_id,))]


def source_files(store: Store, source_ids: list[str]) -> dict[str, str]:
    """source id → the path of the studies sheet it was imported from."""
    out = {}
    ids = list(dict.fromkeys(source_ids))
    for at in range(0, len(ids), 900):
        part = ids[at:at + 900]
        marks = ",".join("?" * len(part))
        for r in store.query(f"SELECT s.id, f.path FROM sources s JOIN files f "
                             f"ON f.id = s.file_id WHERE s.id IN ({marks})", tuple(part)):
            out[r[0]] = r[1]
    return out


def topics_of_excerpt(store: Store, excerpt_id: str) -> list[tuple[int, int]]:
    """(run, topic) of every topic the excerpt is a member of (outliers aside)."""
    return [(r, t) for r, t, _ in topic_memberships(store, excerpt_id)]


def topic_memberships(store: Store, excerpt_id: str) -> list[tuple[int, int, bool]]:
    """(run, topic, reassigned from the outliers) of every topic the excerpt is in."""
    return [(r[0], r[1], bool(r[2])) for r in store.query(
        "SELECT run_id, topic, reassigned FROM topic_members WHERE excerpt_id = ? "
        "AND topic >= 0 ORDER BY run_id, topic", (excerpt_id,))]


def topic_labels(store: Store, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    out = {}
    for run, topic in pairs:
        row = store.one("SELECT label FROM topics WHERE run_id = ? AND topic = ?", (run, topic))
        if row is not None:
            out[(run, topic)] = row[0]
    return out
