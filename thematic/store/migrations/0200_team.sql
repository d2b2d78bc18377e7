-- Team coding (#20): who codes which excerpts, the blinding rule, each coder's own
-- decisions on proposals while blind, what a merge could not apply, and the event logs
-- merged in from other copies of the project.
CREATE TABLE assignment_runs (
    id           INTEGER PRIMARY KEY,
    coders       TEXT NOT NULL,              -- JSON list, in the order given
    sample       REAL NOT NULL,              -- share of the excerpts coded by every coder
    seed         INTEGER NOT NULL,
    strata       TEXT,                       -- excerpt field sampled within (e.g. source)
    blind        INTEGER NOT NULL DEFAULT 1, -- 1: coders see only their own decisions
    unblinded_at TEXT,                       -- set when `agree` measured the full sample
    created_at   TEXT NOT NULL
);

CREATE TABLE assignments (
    run_id     INTEGER NOT NULL REFERENCES assignment_runs(id),
    coder      TEXT NOT NULL,
    excerpt_id TEXT NOT NULL REFERENCES excerpts(id),
    double     INTEGER NOT NULL,              -- 1: in the double-coded sample
    PRIMARY KEY (run_id, coder, excerpt_id)
);
CREATE INDEX assignments_excerpt ON assignments(excerpt_id);

-- A blind coder's accept/reject of a proposal, kept apart from the proposal's status so
-- the other coder still sees the proposal undecided. Keyed by the proposal's natural key
-- (not its row id) so that decisions merge between copies of the project.
CREATE TABLE blind_decisions (
    coder       TEXT NOT NULL,
    excerpt_id  TEXT NOT NULL REFERENCES excerpts(id),
    codebook_id INTEGER NOT NULL,
    code_id     TEXT NOT NULL,
    proposer    TEXT NOT NULL,
    start       INTEGER NOT NULL DEFAULT -1,  -- -1: the whole excerpt
    end         INTEGER NOT NULL DEFAULT -1,
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    decided_at  TEXT NOT NULL,
    PRIMARY KEY (coder, excerpt_id, codebook_id, code_id, proposer, start, end)
);

-- What `thematic merge` found changed in both copies: kept here, never applied or dropped.
CREATE TABLE merge_conflicts (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,   -- coding | excerpt | theme | stale
    key      TEXT NOT NULL,   -- e.g. "F003|alice" for a coder's codings of an excerpt
    other    TEXT NOT NULL,   -- the other project's folder as given
    ours     TEXT NOT NULL,   -- JSON
    theirs   TEXT NOT NULL,   -- JSON
    found_at TEXT NOT NULL,
    UNIQUE (kind, key, theirs)
);

-- Events of merged copies that this log lacks, verbatim: each copy's chain stays
-- verifiable from genesis through `events` and these rows (linked by prev_hash).
CREATE TABLE merged_events (
    hash      TEXT PRIMARY KEY,
    id        INTEGER NOT NULL,
    ts        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    command   TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL
);
