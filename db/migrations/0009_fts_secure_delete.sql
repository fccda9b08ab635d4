-- Privacy: a story taken out of the search index (withdrawn, unpublished, redacted, hidden)
-- must leave no term behind. By default FTS5 keeps a deleted row's terms in its index
-- segments until a merge happens to rewrite them; with `secure-delete` (a persistent
-- setting of the table, SQLite >= 3.42) it removes them at once. The rebuild and optimize
-- rewrite the segments written before this setting, dropping terms deleted earlier.
INSERT INTO `search_index` (`search_index`, `rank`) VALUES ('secure-delete', 1);
--> statement-breakpoint
INSERT INTO `search_index` (`search_index`) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO `search_index` (`search_index`) VALUES ('optimize');
