-- Search rows now take their rowid from the publish time (high bits) and their path (low
-- bits), so "the newest matches" is FTS5's own rowid order and stops early at any library
-- size (search.ts, searchRowid). `search_rows` remembers which rowid each indexed path has,
-- so removing a piece or refreshing the curated part is a look-up, never a scan of the index.
-- The index is made again empty: dropping it (secure_delete is on) frees its pages zeroed,
-- which deleting a million rows one by one would also do, only far slower. The data step
-- `reindex-community-search-by-publish-time` refills the community rows in batches (it also
-- does the refill 0019 asked for); the server puts the curated pieces back at its first search.
DROP TABLE `search_index`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_index` USING fts5(
	`path` UNINDEXED,
	`kind` UNINDEXED,
	`topics` UNINDEXED,
	`title`,
	`summary`,
	`body`,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
-- Privacy: as 0009, deleted rows leave no term behind in the index segments.
INSERT INTO `search_index` (`search_index`, `rank`) VALUES ('secure-delete', 1);
--> statement-breakpoint
CREATE TABLE `search_rows` (
	`path` text PRIMARY KEY NOT NULL,
	`search_rowid` integer NOT NULL,
	`kind` text NOT NULL,
	-- Curated pieces only: a hash of what was indexed, so a start re-indexes only what changed.
	`fingerprint` text
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `search_rows_curated_idx` ON `search_rows` (`kind`) WHERE `kind` <> 'community';
