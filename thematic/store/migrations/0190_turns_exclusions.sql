-- Interviews and surveys (#19): who speaks in an excerpt and in which role, its language,
-- the question (or another chosen column) that gives it context, and excerpts taken out
-- of the analysis with the reason why.
ALTER TABLE excerpts ADD COLUMN speaker TEXT;     -- the speaker label of a transcript turn
ALTER TABLE excerpts ADD COLUMN role TEXT;        -- interviewer | participant | NULL
ALTER TABLE excerpts ADD COLUMN language TEXT;    -- ISO 639-1 code from the detector
ALTER TABLE excerpts ADD COLUMN context TEXT;     -- e.g. the survey question answered

-- One row per excerpt that is out of the analysis; deleting the row brings it back (the
-- event log keeps both the exclusion and the inclusion).
CREATE TABLE exclusions (
    excerpt_id  TEXT PRIMARY KEY REFERENCES excerpts(id),
    reason      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    excluded_at TEXT NOT NULL
);
