-- The reports `thematic report` rendered (#17): how each was rendered (template, options),
-- the event-log head it was rendered from, and the sha256 of what was written, so audit can
-- re-render it from the store and say when one the project rendered is missing.
CREATE TABLE reports (
    path        TEXT PRIMARY KEY,   -- relative to the project folder when inside it
    format      TEXT NOT NULL,      -- md | html
    options     TEXT NOT NULL,      -- JSON: template, themes, title, coders, figures …
    head_seq    INTEGER NOT NULL,   -- the last event when it was rendered (0: none)
    head_hash   TEXT NOT NULL,
    sha256      TEXT NOT NULL,      -- of the file as written
    rendered_at TEXT NOT NULL
);
