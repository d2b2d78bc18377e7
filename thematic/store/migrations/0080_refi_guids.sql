-- REFI-QDA GUIDs that came in with an imported .qdc/.qdpx, keyed by what they became here,
-- so exporting again writes the same GUIDs and the other program recognises its objects.
-- Objects thematic made itself need no row: their GUIDs are derived (uuid5) from their keys.
CREATE TABLE refi_guids (
    kind  TEXT NOT NULL,   -- code | user | excerpt | case | coding | selection | note | set | variable
    key   TEXT NOT NULL,   -- e.g. "peer-support:hope" for a code, the coder's name for a user
    guid  TEXT NOT NULL,   -- lower case, no braces
    PRIMARY KEY (kind, key)
);
CREATE INDEX refi_guids_guid ON refi_guids(guid);
