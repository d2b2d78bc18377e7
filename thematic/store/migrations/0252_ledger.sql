-- Tamper evidence (#17): every row of the tables evidence rests on, as thematic last wrote
-- it (kept by temporary triggers of thematic's own connections; see
-- thematic/store/ledger.py): its values joined, or their keyed hash in keyed mode. An
-- excerpt's text stands in as its text_sha, which audit checks against the text.
CREATE TABLE ledger_codings (key INTEGER PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE ledger_excerpts (key TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ledger_themes (key TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ledger_theme_codes (key TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ledger_theme_topics (key TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
