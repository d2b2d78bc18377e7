"""Typed access to coding assignments, the blinding rule and blind decisions (the coding
room's ``assign`` module owns the logic)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from thematic.store.db import Store, now, rowid


@dataclass
class Run:
    id: int
    coders: list[str]
    sample: float
    seed: int
    strata: str | None
    blind: bool
    unblinded_at: str | None
    created_at: str

    @property
    def blinding(self) -> bool:
        """Whether the coders are still kept from each other's decisions."""
        return self.blind and self.unblinded_at is None


def _run(row) -> Run:
    return Run(id=row["id"], coders=json.loads(row["coders"]), sample=row["sample"],
               seed=row["seed"], strata=row["strata"], blind=bool(row["blind"]),
               unblinded_at=row["unblinded_at"], created_at=row["created_at"])


def add_run(store: Store, coders: list[str], sample: float, seed: int, strata: str | None,
            blind: bool, rows: list[tuple[str, str, int]]) -> int:
    """Store an assignment run; rows are (coder, excerpt id, double)."""
    cur = store.execute("INSERT INTO assignment_runs (coders, sample, seed, strata, blind, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (json.dumps(coders), sample, seed, strata, int(blind), now()))
    run_id = rowid(cur)
    store.executemany("INSERT INTO assignments (run_id, coder, excerpt_id, double) "
                      "VALUES (?, ?, ?, ?)", [(run_id, *r) for r in rows])
    return run_id


def latest_run(store: Store) -> Run | None:
    row = store.one("SELECT * FROM assignment_runs ORDER BY id DESC LIMIT 1")
    return _run(row) if row else None


def runs(store: Store) -> list[Run]:
    return [_run(r) for r in store.query("SELECT * FROM assignment_runs ORDER BY id")]


def assigned(store: Store, run_id: int) -> list[tuple[str, str, int]]:
    """(coder, excerpt id, double) of a run, coders then import order."""
    return [(r[0], r[1], r[2]) for r in store.query(
        "SELECT a.coder, a.excerpt_id, a.double FROM assignments a JOIN excerpts e ON "
        "e.id = a.excerpt_id WHERE a.run_id = ? ORDER BY a.coder, e.position", (run_id,))]


def unblind(store: Store, run_id: int) -> None:
    store.execute("UPDATE assignment_runs SET unblinded_at = ? WHERE id = ?", (now(), run_id))


def add_run_row(store: Store, row: dict) -> int:
    """Copy a run (with its id's rows given separately) from another copy; returns its id."""
    cur = store.execute("INSERT INTO assignment_runs (coders, sample, seed, strata, blind, "
                        "unblinded_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (row["coders"], row["sample"], row["seed"], row["strata"],
                         row["blind"], row["unblinded_at"], row["created_at"]))
    return rowid(cur)


def add_assignments(store: Store, run_id: int, rows: list[tuple[str, str, int]]) -> None:
    store.executemany("INSERT OR IGNORE INTO assignments (run_id, coder, excerpt_id, double) "
                      "VALUES (?, ?, ?, ?)", [(run_id, *r) for r in rows])


# --- blind decisions ----------------------------------------------------------------------

DECISION_KEY = ("coder", "excerpt_id", "codebook_id", "code_id", "proposer", "start", "end")


def _span(value: int | None) -> int:
    return -1 if value is None else value


def record_decision(store: Store, coder: str, proposal, decision: str) -> None:
    store.execute("INSERT OR REPLACE INTO blind_decisions (coder, excerpt_id, codebook_id, "
                  "code_id, proposer, start, end, decision, decided_at) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (coder, proposal.excerpt_id, proposal.codebook_id, proposal.code_id,
                   proposal.coder, _span(proposal.start), _span(proposal.end), decision,
                   now()))


def forget_decision(store: Store, coder: str, proposal) -> None:
    store.execute("DELETE FROM blind_decisions WHERE coder = ? AND excerpt_id = ? AND "
                  "codebook_id = ? AND code_id = ? AND proposer = ? AND start = ? AND "
                  "end = ?", (coder, proposal.excerpt_id, proposal.codebook_id,
                              proposal.code_id, proposal.coder, _span(proposal.start),
                              _span(proposal.end)))


def decided(store: Store, coder: str) -> set[tuple]:
    """(excerpt, codebook id, code, proposer, start, end) of the proposals ``coder`` decided
    blind (start/end None for the whole excerpt)."""
    return {(r[0], r[1], r[2], r[3], None if r[4] < 0 else r[4], None if r[5] < 0 else r[5])
            for r in store.query("SELECT excerpt_id, codebook_id, code_id, proposer, start, "
                                 "end FROM blind_decisions WHERE coder = ?", (coder,))}


def decisions(store: Store) -> list[dict]:
    return [dict(r) for r in store.query("SELECT * FROM blind_decisions ORDER BY rowid")]


def add_decision_rows(store: Store, rows: list[dict]) -> int:
    # rowcount: this statement's rows only (total_changes adds the ledger's trigger writes)
    cur = store.executemany(
        "INSERT OR IGNORE INTO blind_decisions (coder, excerpt_id, codebook_id, "
                      "code_id, proposer, start, end, decision, decided_at) VALUES "
                      "(:coder, :excerpt_id, :codebook_id, :code_id, :proposer, :start, :end, "
                      ":decision, :decided_at)", rows)
    return max(cur.rowcount, 0)
