-- Codebooks, versioned by content hash; codes belong to one version.
CREATE TABLE codebooks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,          -- the codebook's slug, e.g. peer-support
    version     TEXT NOT NULL,          -- the version its metadata declares
    hash        TEXT NOT NULL UNIQUE,   -- sha256 of the canonical content
    title       TEXT,
    metadata    TEXT NOT NULL DEFAULT '{}',
    content     TEXT NOT NULL,          -- canonical JSON of the whole codebook
    source_path TEXT,
    loaded_at   TEXT NOT NULL,
    current     INTEGER NOT NULL DEFAULT 1  -- 1 for the newest loaded version of each name
);
CREATE INDEX codebooks_name ON codebooks(name, current);

CREATE TABLE codes (
    codebook_id INTEGER NOT NULL REFERENCES codebooks(id),
    id          TEXT NOT NULL,
    parent      TEXT,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL DEFAULT '',
    codable     INTEGER NOT NULL DEFAULT 1,
    position    INTEGER NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}', -- JSON: criteria, examples, cfir, rules, colour
    PRIMARY KEY (codebook_id, id)
);
