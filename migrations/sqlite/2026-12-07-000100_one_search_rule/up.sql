-- One search rule on both backends: the query and the text are tokenised and stemmed by
-- samverkan (`search_stemmed`), and the index only splits on spaces and case-folds.
-- `remove_diacritics 0`: "hälsa" and "halsa" are different words, as on PostgreSQL.
DROP TABLE decisions_fts;
CREATE VIRTUAL TABLE decisions_fts USING fts5(search_stemmed, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO decisions_fts (rowid, search_stemmed) SELECT id, search_stemmed FROM decisions;
