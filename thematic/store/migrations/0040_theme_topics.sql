-- A theme can hold several topic candidates (merging two accepted topics keeps both member
-- lists as evidence); themes.run_id/topic keep the first one for display.
CREATE TABLE theme_topics (
    theme_id  TEXT NOT NULL REFERENCES themes(id),
    run_id    INTEGER NOT NULL,
    topic     INTEGER NOT NULL,
    PRIMARY KEY (theme_id, run_id, topic),
    FOREIGN KEY (run_id, topic) REFERENCES topics(run_id, topic)
);
