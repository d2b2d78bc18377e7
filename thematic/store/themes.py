"""Typed access to themes, their codes and the topics they were accepted from.

Themes hold no excerpts: their evidence is derived on every read from the accepted codings
of their codes (by codebook name, so a theme survives a new codebook version) and from the
members of the topics they were accepted from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from thematic.store.corpus import ANALYSED
from thematic.store.db import Store, coder_sql, now


@dataclass
class Theme:
    id: str                          # slug of the name at creation; stable on rename
    name: str
    description: str = ""
    level: str = "descriptive"       # descriptive | analytical (Thomas and Harden)
    parent_id: str | None = None
    codes: list[str] = field(default_factory=list)
    codebook: str | None = None
    run_id: int | None = None
    topic: int | None = None
    position: int = 0
    created_at: str | None = None
    topics: list[tuple[int, int]] = field(default_factory=list)  # (run, topic) accepted


def _theme(row, codes: dict[str, list[tuple[str, str]]],
           topics: dict[str, list[tuple[int, int]]]) -> Theme:
    mine = codes.get(row["id"], [])
    return Theme(id=row["id"], name=row["name"], description=row["description"],
                 level=row["level"], parent_id=row["parent_id"],
                 codes=[c for _, c in mine], codebook=mine[0][0] if mine else None,
                 run_id=row["run_id"], topic=row["topic"], position=row["position"],
                 created_at=row["created_at"], topics=topics.get(row["id"], []))


def _codes(store: Store) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    # Codes in the order they were given (rowid), which is the order a person listed them.
    for r in store.query("SELECT theme_id, codebook, code_id FROM theme_codes ORDER BY rowid"):
        out.setdefault(r[0], []).append((r[1], r[2]))
    return out


def _topics(store: Store) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for r in store.query("SELECT theme_id, run_id, topic FROM theme_topics ORDER BY rowid"):
        out.setdefault(r[0], []).append((int(r[1]), int(r[2])))
    return out


def list_themes(store: Store) -> list[Theme]:
    codes, topics = _codes(store), _topics(store)
    return [_theme(r, codes, topics)
            for r in store.query("SELECT * FROM themes ORDER BY position, id")]


def get_theme(store: Store, theme_id: str) -> Theme | None:
    row = store.one("SELECT * FROM themes WHERE id = ?", (theme_id,))
    return _theme(row, _codes(store), _topics(store)) if row else None


def theme_ids(store: Store) -> list[str]:
    return [r[0] for r in store.query("SELECT id FROM themes ORDER BY position, id")]


def theme_names(store: Store) -> dict[str, str]:
    """name → id."""
    return {r[0]: r[1] for r in store.query("SELECT name, id FROM themes")}


def next_position(store: Store) -> int:
    return int(store.scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM themes"))


def insert_theme(store: Store, theme: Theme) -> None:
    store.execute(
        "INSERT INTO themes (id, name, description, level, parent_id, run_id, topic, position,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (theme.id, theme.name, theme.description, theme.level, theme.parent_id, theme.run_id,
         theme.topic, theme.position, now()))
    add_codes(store, theme.id, theme.codebook, theme.codes)
    for run_id, topic in theme.topics:
        add_topic(store, theme.id, run_id, topic)


def update_theme(store: Store, theme_id: str, **values: object) -> None:
    allowed = {"name", "description", "level", "parent_id", "run_id", "topic", "position"}
    if not values or set(values) - allowed:
        raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
    sets = ", ".join(f"{k} = ?" for k in values)
    store.execute(f"UPDATE themes SET {sets} WHERE id = ?", (*values.values(), theme_id))


def add_codes(store: Store, theme_id: str, codebook: str | None, codes: list[str]) -> None:
    if codes:
        store.executemany("INSERT OR IGNORE INTO theme_codes (theme_id, codebook, code_id) "
                          "VALUES (?, ?, ?)", [(theme_id, codebook, c) for c in codes])


def remove_codes(store: Store, theme_id: str, codes: list[str]) -> None:
    store.executemany("DELETE FROM theme_codes WHERE theme_id = ? AND code_id = ?",
                      [(theme_id, c) for c in codes])


def add_topic(store: Store, theme_id: str, run_id: int, topic: int) -> None:
    store.execute("INSERT OR IGNORE INTO theme_topics (theme_id, run_id, topic) "
                  "VALUES (?, ?, ?)", (theme_id, run_id, topic))


def reparent(store: Store, old_parent: str, new_parent: str | None) -> list[str]:
    """Move the children of ``old_parent`` under ``new_parent``; returns their ids."""
    moved = [r[0] for r in store.query("SELECT id FROM themes WHERE parent_id = ?",
                                       (old_parent,))]
    store.execute("UPDATE themes SET parent_id = ? WHERE parent_id = ?", (new_parent, old_parent))
    return moved


def unparent_self(store: Store, theme_id: str) -> None:
    """A theme that became its own child (merged into its parent) goes to the top level."""
    store.execute("UPDATE themes SET parent_id = NULL WHERE id = ? AND parent_id = ?",
                  (theme_id, theme_id))


def delete_theme(store: Store, theme_id: str) -> None:
    store.execute("DELETE FROM theme_codes WHERE theme_id = ?", (theme_id,))
    store.execute("DELETE FROM theme_topics WHERE theme_id = ?", (theme_id,))
    store.execute("DELETE FROM themes WHERE id = ?", (theme_id,))


# --- evidence -------------------------------------------------------------------------------

def accepted_codings(store: Store, codebook: str, code_ids: list[str],
                     coders: list[str] | None = None) -> list[tuple[str, str, str, int]]:
    """(excerpt id, code id, source id, position) of every ACCEPTED coding of these codes in
    any version of the codebook named ``codebook`` (by ``coders`` only, when given), in
    import order; an excerpt–code pair once."""
    if not code_ids:
        return []
    marks = ",".join("?" * len(code_ids))
    by, who = coder_sql(coders)
    rows = store.query(
        "SELECT DISTINCT c.excerpt_id, c.code_id, e.source_id, e.position FROM codings c "
        "JOIN codebooks b ON b.id = c.codebook_id JOIN excerpts e ON e.id = c.excerpt_id "
        f"WHERE c.status = 'accepted' AND b.name = ? AND c.code_id IN ({marks}) AND {ANALYSED}"
        f"{by} ORDER BY e.position, c.code_id", (codebook, *code_ids, *who))
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def accepted_codings_by_book(store: Store, wanted: dict[str, set[str]],
                             coders: list[str] | None = None
                             ) -> dict[str, list[tuple[str, str, str, int]]]:
    """``accepted_codings`` for several codebooks (name → code ids) in one query: codebook
    name → its rows, in the same order (import order, then code); a caller keeps the codes
    it wants, so each theme's rows are exactly what ``accepted_codings`` returns."""
    out: dict[str, list[tuple[str, str, str, int]]] = {book: [] for book in wanted}
    codes = sorted({c for ids in wanted.values() for c in ids})
    if not codes:
        return out
    by, who = coder_sql(coders)
    books = sorted(wanted)
    cursor = store.conn.cursor()
    cursor.row_factory = None          # plain tuples: no sqlite3.Row per coding
    if len(books) == 1:
        # one codebook (the usual case): its codes are exactly those asked for. Excerpts are
        # the outer loop (each one's codings by codings_unique; "+" keeps SQLite from the
        # coder and status indexes, which would scan every coding per excerpt), and the
        # rows are made distinct and put in order in C: SQLite's DISTINCT and ORDER BY
        # over 250k rows took longer than the reading
        rows = cursor.execute(
            "SELECT c.excerpt_id, c.code_id, e.source_id, e.position "
            "FROM excerpts e CROSS JOIN codings c ON c.excerpt_id = e.id "
            "JOIN codebooks b ON b.id = c.codebook_id WHERE +c.status = 'accepted' "
            f"AND b.name = ? AND +c.code_id IN ({','.join('?' * len(codes))}) "
            f"AND {ANALYSED}{coder_sql(coders, '+c.coder')[0]}",
            (books[0], *codes, *who)).fetchall()
        out[books[0]] = sorted(dict.fromkeys(rows), key=itemgetter(3, 1))
        return out
    for excerpt, code, source, pos, book in cursor.execute(
        "SELECT DISTINCT c.excerpt_id, c.code_id, e.source_id, e.position, b.name "
        "FROM codings c JOIN codebooks b ON b.id = c.codebook_id "
        "JOIN excerpts e ON e.id = c.excerpt_id WHERE c.status = 'accepted' "
        f"AND b.name IN ({','.join('?' * len(books))}) "
        f"AND c.code_id IN ({','.join('?' * len(codes))}) AND {ANALYSED}{by} "
        "ORDER BY e.position, c.code_id", (*books, *codes, *who)):
        if code in wanted[book]:
            out[book].append((excerpt, code, source, pos))
    return out


def topic_members(store: Store, pairs: list[tuple[int, int]]
                  ) -> list[tuple[str, str, int, bool]]:
    """(excerpt id, source id, position, reassigned from the outliers) of the members of
    these (run, topic) pairs; an excerpt in several counts as reassigned only when it is
    reassigned in each."""
    out: dict[str, tuple[str, str, int, bool]] = {}
    for run_id, topic in pairs:
        for r in store.query(
                "SELECT m.excerpt_id, e.source_id, e.position, m.reassigned FROM "
                "topic_members m JOIN excerpts e ON e.id = m.excerpt_id WHERE m.run_id = ? "
                f"AND m.topic = ? AND {ANALYSED}",
                (run_id, topic)):
            moved = bool(r[3]) and out.get(r[0], (0, 0, 0, True))[3]
            out[r[0]] = (r[0], r[1], r[2], moved)
    return sorted(out.values(), key=lambda t: t[2])


def source_order(store: Store, ids: set[str]) -> list[str]:
    """Source ids in the order studies are listed (numeric ids numerically)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [r[0] for r in store.query(
        f"SELECT id FROM sources WHERE id IN ({marks}) ORDER BY CAST(id AS INTEGER), id",
        tuple(sorted(ids)))]
