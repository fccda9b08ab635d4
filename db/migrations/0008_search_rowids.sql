-- Index rows now take their rowid from their path (search.ts, searchRowid), so a publish,
-- edit or withdrawal replaces one row by rowid instead of scanning the whole index for the
-- path. Community rows written before get rebuilt that way at the next start: the server
-- refills them when the index holds fewer than are published.
DELETE FROM `search_index` WHERE `kind` = 'community';
