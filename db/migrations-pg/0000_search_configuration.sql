-- The text search configuration of search_index (db/schema-pg.ts, SEARCH_CONFIGURATION),
-- made before the table whose generated column uses it. It mirrors SQLite's FTS5 tokenizer
-- `porter unicode61 remove_diacritics 2`: words lose their accents (the unaccent dictionary,
-- a contrib extension in Debian's postgresql package and in the managed offerings, trusted:
-- a database owner may create it), then English Porter stemming, as the `english`
-- configuration does.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION library_search (COPY = english);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION library_search
	ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
