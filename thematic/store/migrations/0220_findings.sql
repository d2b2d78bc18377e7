-- Review findings, study appraisal, GRADE-CERQual judgements and PRISMA 2020 screening (#22).
-- Findings name their themes by id without a foreign key: removing a theme must not fail
-- with an SQL error; audit reports a finding left resting on a missing theme instead.
CREATE TABLE findings (
    id          TEXT PRIMARY KEY,       -- F1, F2, … (never reused)
    number      INTEGER NOT NULL UNIQUE,
    statement   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE finding_themes (
    finding_id  TEXT NOT NULL REFERENCES findings(id),
    theme_id    TEXT NOT NULL,
    PRIMARY KEY (finding_id, theme_id)
);

-- Codes a finding rests on besides its themes' (by codebook name, as themes hold them).
CREATE TABLE finding_codes (
    finding_id  TEXT NOT NULL REFERENCES findings(id),
    codebook    TEXT NOT NULL,
    code_id     TEXT NOT NULL,
    PRIMARY KEY (finding_id, codebook, code_id)
);

-- One appraisal per study (CASP, JBI, MMAT …): the items as given, and the overall rating.
CREATE TABLE appraisals (
    source_id   TEXT PRIMARY KEY REFERENCES sources(id),
    tool        TEXT NOT NULL DEFAULT '',
    rating      TEXT NOT NULL,          -- on thematic.findings.appraisal.RATINGS
    items       TEXT NOT NULL DEFAULT '{}',   -- JSON: item column → answer
    file_id     INTEGER REFERENCES files(id),
    location    TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

-- The reviewer's CERQual judgements: the latest row per (finding, component) counts; older
-- rows stay as the history of who judged what, when and why.
CREATE TABLE cerqual_judgements (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id  TEXT NOT NULL REFERENCES findings(id),
    component   TEXT NOT NULL CHECK (component IN ('limitations', 'coherence', 'adequacy',
                                                   'relevance', 'overall')),
    judgement   TEXT NOT NULL,
    why         TEXT NOT NULL,
    actor       TEXT NOT NULL,
    ts          TEXT NOT NULL
);

-- PRISMA 2020 flow counts (key → count) and full-text exclusion reasons, replaced as a whole
-- by each `thematic screening import`; records are kept when a screening log was given.
CREATE TABLE prisma_counts (
    key         TEXT PRIMARY KEY,
    value       INTEGER NOT NULL CHECK (value >= 0)
);

CREATE TABLE prisma_reasons (
    reason      TEXT PRIMARY KEY,
    value       INTEGER NOT NULL CHECK (value >= 0),
    position    INTEGER NOT NULL
);

CREATE TABLE prisma_sources (
    source      TEXT PRIMARY KEY,       -- a database, register or other method
    value       INTEGER NOT NULL CHECK (value >= 0),
    position    INTEGER NOT NULL
);

CREATE TABLE screening_records (
    record_id   TEXT NOT NULL,
    source      TEXT NOT NULL,
    stage       TEXT NOT NULL,
    decision    TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    row         INTEGER NOT NULL,
    PRIMARY KEY (record_id, stage)
);
