-- A topic member HDBSCAN left as an outlier and BERTopic's reduce_outliers then reassigned
-- to the topic (--cluster hdbscan): the evidence policy leaves such members out of a theme's
-- evidence unless the researcher counts them (thematic evidence outliers), and the report and
-- trace mark them when counted.
ALTER TABLE topic_members ADD COLUMN reassigned INTEGER NOT NULL DEFAULT 0;
