-- Codings by named coders (people, "auto:rules", "auto:semantic", "gold", "consensus"),
-- what each coder has reviewed, and memos.
CREATE TABLE codings (
    id          INTEGER PRIMARY KEY,
    excerpt_id  TEXT NOT NULL REFERENCES excerpts(id),
    codebook_id INTEGER NOT NULL,
    code_id     TEXT NOT NULL,
    coder       TEXT NOT NULL,
    start       INTEGER,                 -- span within the excerpt text; NULL = whole excerpt
    end         INTEGER,
    method      TEXT NOT NULL,           -- rules | semantic | manual | import | reconcile
    origin      TEXT,                    -- the rule/pattern that fired, or a file:row
    score       REAL,                    -- similarity or confidence where there is one
    status      TEXT NOT NULL DEFAULT 'accepted'
                CHECK (status IN ('proposed', 'accepted', 'rejected')),
    memo        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    FOREIGN KEY (codebook_id, code_id) REFERENCES codes(codebook_id, id)
);
CREATE UNIQUE INDEX codings_unique
    ON codings(excerpt_id, codebook_id, code_id, coder, IFNULL(start, -1), IFNULL(end, -1));
CREATE INDEX codings_code ON codings(codebook_id, code_id);
CREATE INDEX codings_coder ON codings(coder, status);

-- An excerpt a coder reviewed and left uncoded is a "no"; one never reviewed is missing.
CREATE TABLE coverage (
    coder       TEXT NOT NULL,
    excerpt_id  TEXT NOT NULL REFERENCES excerpts(id),
    codebook_id INTEGER NOT NULL REFERENCES codebooks(id),
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (coder, excerpt_id, codebook_id)
);

CREATE TABLE memos (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('excerpt', 'code', 'theme', 'project')),
    target_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX memos_target ON memos(target_kind, target_id);
