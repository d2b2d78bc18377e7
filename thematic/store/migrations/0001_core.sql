-- Core tables: settings, studies (sources), imported files, excerpts, the event log.
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per included study (or interview, or respondent): the unit of citation.
CREATE TABLE sources (
    id                TEXT PRIMARY KEY,
    first_author      TEXT,
    authors           TEXT,
    year              INTEGER,
    title             TEXT,
    journal           TEXT,
    doi               TEXT,
    design            TEXT,
    population        TEXT,
    setting           TEXT,
    intervention_type TEXT,
    country           TEXT,
    attributes        TEXT NOT NULL DEFAULT '{}',   -- JSON: unmapped columns
    file_id           INTEGER REFERENCES files(id),
    location          TEXT,
    created_at        TEXT NOT NULL
);

-- Every file an import read, with its content hash (audit re-checks it).
CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,      -- as given, made relative to the project when inside it
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    kind        TEXT NOT NULL,      -- studies | excerpts
    imported_at TEXT NOT NULL,
    UNIQUE (path, sha256)
);

CREATE TABLE excerpts (
    id          TEXT PRIMARY KEY,   -- stable: the sheet's id column, else a content hash
    source_id   TEXT NOT NULL REFERENCES sources(id),
    text        TEXT NOT NULL,
    text_sha    TEXT NOT NULL,
    file_id     INTEGER REFERENCES files(id),
    start       INTEGER NOT NULL,   -- character offsets of the text in the original
    end         INTEGER NOT NULL,   --   (within the cell for sheets, the document otherwise)
    location    TEXT NOT NULL,      -- e.g. "row 12, column finding" or "paragraph 4"
    position    INTEGER NOT NULL,   -- order of import, for stable listings
    attributes  TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);
CREATE INDEX excerpts_source ON excerpts(source_id);

-- Append-only, hash-chained: hash = sha256(prev_hash, fields); audit recomputes the chain.
CREATE TABLE events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ts        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    command   TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
