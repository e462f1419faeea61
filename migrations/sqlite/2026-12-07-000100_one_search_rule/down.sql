DROP TABLE decisions_fts;
CREATE VIRTUAL TABLE decisions_fts USING fts5(search_stemmed);
INSERT INTO decisions_fts (rowid, search_stemmed) SELECT id, search_stemmed FROM decisions;
