-- One search rule on both backends: the query and the text are tokenised and stemmed by
-- samverkan (`search_stemmed`); PostgreSQL only splits and case-folds (`simple`), as
-- SQLite's FTS5 does, instead of stemming the raw text with its own Swedish stemmer.
DROP INDEX decisions_fts;
CREATE INDEX decisions_fts ON decisions USING GIN (to_tsvector('simple', search_stemmed));
