-- Full-text search over every published piece, curated and community. Only published
-- text is ever in here: rows are added and removed in the same transaction as the
-- decision that publishes, edits, unpublishes or withdraws a story.
CREATE VIRTUAL TABLE `search_index` USING fts5(
	`path` UNINDEXED,
	`kind` UNINDEXED,
	`topics` UNINDEXED,
	`title`,
	`summary`,
	`body`,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
