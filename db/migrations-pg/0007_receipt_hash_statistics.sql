-- A removed receipt must not outlive its story (0006), but ANALYZE copies a column's values
-- into pg_statistic as histogram bounds, and in a partition of a small site that is every
-- receipt hash. So receipt hashes keep no statistics either (a key's lookups need none). What
-- ANALYZE stored before this migration stays until a superuser deletes it (SECURITY.md).
ALTER TABLE submission_receipts ALTER COLUMN receipt_hash SET STATISTICS 0;
