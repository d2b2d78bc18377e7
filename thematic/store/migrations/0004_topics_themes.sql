-- Candidate themes from topic models, accepted themes, and the embedding cache.
CREATE TABLE embeddings (
    model     TEXT NOT NULL,
    text_sha  TEXT NOT NULL,
    dim       INTEGER NOT NULL,
    vector    BLOB NOT NULL,            -- float32, little-endian
    PRIMARY KEY (model, text_sha)
);

CREATE TABLE topic_runs (
    id            INTEGER PRIMARY KEY,
    created_at    TEXT NOT NULL,
    model         TEXT NOT NULL,        -- embedding backend / model id
    params        TEXT NOT NULL,        -- JSON: unit, min_topic_size, seed, guided, ...
    outlier_share REAL,
    n_documents   INTEGER NOT NULL
);

CREATE TABLE topics (
    run_id         INTEGER NOT NULL REFERENCES topic_runs(id),
    topic          INTEGER NOT NULL,    -- -1 = outliers
    label          TEXT NOT NULL,
    keywords       TEXT NOT NULL,       -- JSON list of [word, weight]
    size           INTEGER NOT NULL,
    representative TEXT NOT NULL,       -- JSON list of excerpt ids
    nearest_codes  TEXT NOT NULL DEFAULT '[]',
    data           TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, topic)
);

CREATE TABLE topic_members (
    run_id      INTEGER NOT NULL,
    topic       INTEGER NOT NULL,
    excerpt_id  TEXT NOT NULL REFERENCES excerpts(id),
    probability REAL,
    PRIMARY KEY (run_id, excerpt_id),
    FOREIGN KEY (run_id, topic) REFERENCES topics(run_id, topic)
);

CREATE TABLE themes (
    id          TEXT PRIMARY KEY,       -- slug of the name at creation; stable on rename
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    level       TEXT NOT NULL DEFAULT 'descriptive'
                CHECK (level IN ('descriptive', 'analytical')),
    parent_id   TEXT REFERENCES themes(id),
    run_id      INTEGER,                -- set when accepted from a topic
    topic       INTEGER,
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    FOREIGN KEY (run_id, topic) REFERENCES topics(run_id, topic)
);

-- Themes gather codes by codebook name + code id, so they survive new codebook versions.
CREATE TABLE theme_codes (
    theme_id  TEXT NOT NULL REFERENCES themes(id),
    codebook  TEXT NOT NULL,
    code_id   TEXT NOT NULL,
    PRIMARY KEY (theme_id, codebook, code_id)
);
