-- Erasure on PostgreSQL (issue 14, point 4). A deleted or updated row leaves its old version
-- behind; VACUUM frees it but does not zero its bytes, and a GIN index keeps a removed word
-- as a key until it is rebuilt. Only a rewrite (VACUUM FULL) writes a table's live rows to
-- a new file and drops the old one. It locks the table and costs as much as the table, so
-- the tables that hold a writer's text (and receipts) are split by hash into 32 partitions:
-- an erasure rewrites the partition that held the text, 1/32 of the table.
-- Triggers mark each partition whose text was erased or replaced in pending_rewrites, in
-- the erasing transaction, so a crash before the rewrite leaves the mark for the next one.
-- No column that holds text keeps statistics: ANALYZE would copy sampled values (titles,
-- frequent words of the search documents) into pg_statistic.
CREATE TABLE "pending_rewrites" (
	"relation" text PRIMARY KEY NOT NULL,
	"generation" bigint DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submission_slugs" (
	"slug" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE FUNCTION mark_for_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- TG_TABLE_NAME is the partition's own name in a trigger a partition inherited.
	INSERT INTO pending_rewrites (relation) VALUES (TG_TABLE_NAME)
		ON CONFLICT (relation) DO UPDATE SET generation = pending_rewrites.generation + 1;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Moves a table's rows into a new table of the same columns split by hash of `key` into 32
-- partitions (`<table>_00` … `_31`), and gives it the old name. Keys, indexes and triggers
-- are the caller's to make again: they went with the old table.
CREATE FUNCTION split_into_hash_partitions(parent text, key text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	written_columns text;
BEGIN
	-- A generated column is computed again in the new table: it cannot be copied.
	SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO written_columns
		FROM pg_attribute
		WHERE attrelid = parent::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
	EXECUTE format(
		'CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE) PARTITION BY HASH (%I)',
		parent || '_partitioned', parent, key
	);
	FOR remainder IN 0..31 LOOP
		EXECUTE format(
			'CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS 32, REMAINDER %s)',
			parent || '_' || lpad(remainder::text, 2, '0'), parent || '_partitioned', remainder
		);
	END LOOP;
	EXECUTE format(
		'INSERT INTO %I (%s) SELECT %s FROM %I',
		parent || '_partitioned', written_columns, written_columns, parent
	);
	EXECUTE format('DROP TABLE %I', parent);
	EXECUTE format('ALTER TABLE %I RENAME TO %I', parent || '_partitioned', parent);
END;
$$;
--> statement-breakpoint
ALTER TABLE "moderation_events" DROP CONSTRAINT "moderation_events_submission_id_submissions_id_fk";
--> statement-breakpoint
ALTER TABLE "reports" DROP CONSTRAINT "reports_submission_id_submissions_id_fk";
--> statement-breakpoint
ALTER TABLE "submission_receipts" DROP CONSTRAINT "submission_receipts_submission_id_submissions_id_fk";
--> statement-breakpoint
INSERT INTO submission_slugs SELECT slug FROM submissions WHERE slug IS NOT NULL;
--> statement-breakpoint
SELECT split_into_hash_partitions('submissions', 'id');
--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_pkey" PRIMARY KEY ("id");
--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_status_known" CHECK ("status" IN ('pending', 'approved', 'rejected', 'withdrawn', 'unpublished'));
--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_claimed_by_moderators_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."moderators"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "submissions_slug_idx" ON "submissions" USING btree ("slug");
--> statement-breakpoint
CREATE INDEX "submissions_status_published_idx" ON "submissions" USING btree ("status","published_at");
--> statement-breakpoint
CREATE INDEX "submissions_resubmission_key_idx" ON "submissions" USING btree ("resubmission_key","created_day");
--> statement-breakpoint
CREATE INDEX "submissions_created_day_idx" ON "submissions" USING btree ("created_day");
--> statement-breakpoint
CREATE INDEX "submissions_declined_idx" ON "submissions" USING btree ("status","declined_at");
--> statement-breakpoint
ALTER TABLE "moderation_events" ADD CONSTRAINT "moderation_events_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- A slug stays unique across partitions: a second holder fails on submission_slugs' key.
CREATE FUNCTION keep_submission_slug() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND OLD.slug IS NOT NULL THEN
		DELETE FROM submission_slugs WHERE slug = OLD.slug;
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.slug IS NOT NULL THEN
		INSERT INTO submission_slugs (slug) VALUES (NEW.slug);
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER submissions_slug_added AFTER INSERT ON submissions
	FOR EACH ROW WHEN (NEW.slug IS NOT NULL) EXECUTE FUNCTION keep_submission_slug();
--> statement-breakpoint
CREATE TRIGGER submissions_slug_changed AFTER UPDATE OF slug ON submissions
	FOR EACH ROW WHEN (OLD.slug IS DISTINCT FROM NEW.slug) EXECUTE FUNCTION keep_submission_slug();
--> statement-breakpoint
CREATE TRIGGER submissions_slug_removed AFTER DELETE ON submissions
	FOR EACH ROW WHEN (OLD.slug IS NOT NULL) EXECUTE FUNCTION keep_submission_slug();
--> statement-breakpoint
-- Only when a text is replaced: a note or pen name set where there was none leaves nothing old.
CREATE TRIGGER submissions_text_replaced AFTER UPDATE ON submissions
	FOR EACH ROW WHEN (
		OLD.title <> NEW.title OR OLD.body <> NEW.body OR OLD.body_html <> NEW.body_html
		OR OLD.pen_name IS DISTINCT FROM NEW.pen_name AND OLD.pen_name IS NOT NULL
		OR OLD.decision_note IS DISTINCT FROM NEW.decision_note AND OLD.decision_note IS NOT NULL
		OR OLD.resubmission_key IS DISTINCT FROM NEW.resubmission_key AND OLD.resubmission_key IS NOT NULL
	) EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
CREATE TRIGGER submissions_removed AFTER DELETE ON submissions
	FOR EACH ROW EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
ALTER TABLE submissions ALTER COLUMN title SET STATISTICS 0,
	ALTER COLUMN body SET STATISTICS 0,
	ALTER COLUMN body_html SET STATISTICS 0,
	ALTER COLUMN pen_name SET STATISTICS 0,
	ALTER COLUMN decision_note SET STATISTICS 0;
--> statement-breakpoint
SELECT split_into_hash_partitions('community_listings', 'slug');
--> statement-breakpoint
ALTER TABLE "community_listings" ADD CONSTRAINT "community_listings_pkey" PRIMARY KEY ("slug");
--> statement-breakpoint
CREATE INDEX "community_listings_newest_idx" ON "community_listings" USING btree ("published_at","slug");
--> statement-breakpoint
CREATE INDEX "community_listings_milestone_idx" ON "community_listings" USING btree ("milestone","published_at","slug");
--> statement-breakpoint
-- The triggers of migration 0003 went with the old table; the rows copied above are counted
-- already, so they come back only now.
CREATE TRIGGER community_listings_added AFTER INSERT ON community_listings
	FOR EACH ROW EXECUTE FUNCTION community_listing_added();
--> statement-breakpoint
CREATE TRIGGER community_listings_removed AFTER DELETE ON community_listings
	FOR EACH ROW EXECUTE FUNCTION community_listing_removed();
--> statement-breakpoint
CREATE TRIGGER community_listings_never_updated BEFORE UPDATE ON community_listings
	FOR EACH ROW EXECUTE FUNCTION refuse_change('community_listings rows are replaced, never updated');
--> statement-breakpoint
CREATE TRIGGER community_listings_text_removed AFTER DELETE ON community_listings
	FOR EACH ROW EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
ALTER TABLE community_listings ALTER COLUMN title SET STATISTICS 0,
	ALTER COLUMN pen_name SET STATISTICS 0,
	ALTER COLUMN summary SET STATISTICS 0;
--> statement-breakpoint
SELECT split_into_hash_partitions('search_index', 'path');
--> statement-breakpoint
ALTER TABLE "search_index" ADD CONSTRAINT "search_index_pkey" PRIMARY KEY ("path");
--> statement-breakpoint
CREATE INDEX "search_index_document_idx" ON "search_index" USING gin ("document");
--> statement-breakpoint
CREATE INDEX "search_index_newest_idx" ON "search_index" USING btree ("published_at","path");
--> statement-breakpoint
CREATE INDEX "search_index_curated_idx" ON "search_index" USING btree ("kind") WHERE "search_index"."kind" <> 'community';
--> statement-breakpoint
CREATE TRIGGER search_index_text_replaced AFTER UPDATE ON search_index
	FOR EACH ROW WHEN (
		(OLD.title, OLD.summary, OLD.body) IS DISTINCT FROM (NEW.title, NEW.summary, NEW.body)
	) EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
CREATE TRIGGER search_index_removed AFTER DELETE ON search_index
	FOR EACH ROW EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
ALTER TABLE search_index ALTER COLUMN title SET STATISTICS 0,
	ALTER COLUMN summary SET STATISTICS 0,
	ALTER COLUMN body SET STATISTICS 0,
	ALTER COLUMN document SET STATISTICS 0;
--> statement-breakpoint
-- A receipt holds only a hash, but a removed one must not outlive its story either, and the
-- night's rewrite of arrival order (arrival-order.ts) reaches receipts as it does stories.
SELECT split_into_hash_partitions('submission_receipts', 'receipt_hash');
--> statement-breakpoint
ALTER TABLE "submission_receipts" ADD CONSTRAINT "submission_receipts_pkey" PRIMARY KEY ("receipt_hash");
--> statement-breakpoint
ALTER TABLE "submission_receipts" ADD CONSTRAINT "submission_receipts_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "submission_receipts_submission_idx" ON "submission_receipts" USING btree ("submission_id");
--> statement-breakpoint
CREATE TRIGGER submission_receipts_removed AFTER DELETE ON submission_receipts
	FOR EACH ROW EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
-- Reports stay one table: few rows, so rewriting all of it is cheap.
CREATE TRIGGER reports_note_replaced AFTER UPDATE ON reports
	FOR EACH ROW WHEN (OLD.note IS DISTINCT FROM NEW.note AND OLD.note IS NOT NULL)
	EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
CREATE TRIGGER reports_removed AFTER DELETE ON reports
	FOR EACH ROW EXECUTE FUNCTION mark_for_rewrite();
--> statement-breakpoint
ALTER TABLE reports ALTER COLUMN note SET STATISTICS 0;
--> statement-breakpoint
-- The night's rewrite of arrival order (arrival-order.ts) writes the events of writers and
-- readers again, unchanged, so that their row versions no longer carry the order they came
-- in. The audit trail stays append-only: a statement may update it only in a transaction
-- that says it is that rewrite, and then no row may change.
CREATE FUNCTION refuse_audit_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('common_thread.rewriting_arrival_order', true) = 'on' THEN
		RETURN NULL;
	END IF;
	RAISE EXCEPTION USING MESSAGE = 'moderation_events is append-only', ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
DROP TRIGGER moderation_events_no_update ON moderation_events;
--> statement-breakpoint
CREATE TRIGGER moderation_events_no_update BEFORE UPDATE ON moderation_events
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_update();
--> statement-breakpoint
CREATE TRIGGER moderation_events_unchanged BEFORE UPDATE ON moderation_events
	FOR EACH ROW WHEN (NEW IS DISTINCT FROM OLD)
	EXECUTE FUNCTION refuse_change('moderation_events is append-only');
--> statement-breakpoint
DROP FUNCTION split_into_hash_partitions(text, text);
