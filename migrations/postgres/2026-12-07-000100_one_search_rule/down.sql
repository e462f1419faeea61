DROP INDEX decisions_fts;
CREATE INDEX decisions_fts ON decisions USING GIN (to_tsvector('swedish', search_raw));
