-- CFIR (issue 24): excerpt-level barrier/facilitator direction and construct ratings per case.
-- Both keep their provenance (who or which rule, when, why); ratings are append-only
-- history: the newest row for a (case, construct) is the rating in force.
CREATE TABLE cfir_valence (
    excerpt_id  TEXT NOT NULL REFERENCES excerpts(id),
    coder       TEXT NOT NULL,            -- a person, or "auto:valence" for the cue rule
    direction   TEXT NOT NULL
                CHECK (direction IN ('barrier', 'facilitator', 'mixed', 'neutral')),
    method      TEXT NOT NULL CHECK (method IN ('rule', 'manual')),
    origin      TEXT,                     -- the cue words that decided it (rule)
    why         TEXT,                     -- a person's reason (manual)
    created_at  TEXT NOT NULL,
    PRIMARY KEY (excerpt_id, coder)
);

CREATE TABLE cfir_ratings (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES sources(id),
    construct   TEXT NOT NULL,            -- a CFIR 2.0 construct id (codebooks/cfir2.yaml)
    rating      TEXT NOT NULL CHECK (rating IN ('-2', '-1', '0', '+1', '+2', 'X')),
    rater       TEXT NOT NULL,
    why         TEXT NOT NULL,
    evidence    INTEGER NOT NULL,         -- excerpts of coded evidence when rated
    created_at  TEXT NOT NULL
);
CREATE INDEX cfir_ratings_case ON cfir_ratings(case_id, construct, id);
