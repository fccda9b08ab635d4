-- The audit trail is append-only (as SQLite's migrations 0001, 0010 and 0012): a moderator's
-- decision, once recorded, can be neither rewritten nor erased, not even by a bug in our own
-- code. The guards are statement triggers, so they refuse even an UPDATE or DELETE that
-- matches no row, and an upsert (INSERT … ON CONFLICT DO UPDATE fires the UPDATE statement
-- trigger), which is what SQLite's `moderation_events_no_overwrite` refused. TRUNCATE, which
-- skips row triggers, has a trigger of its own. A plain INSERT with a taken id already fails
-- on the primary key: PostgreSQL has no REPLACE.
-- `refuse_change(message)` serves every trigger that refuses a kind of write.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER moderation_events_no_update BEFORE UPDATE ON moderation_events
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('moderation_events is append-only');
--> statement-breakpoint
CREATE TRIGGER moderation_events_no_delete BEFORE DELETE ON moderation_events
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('moderation_events is append-only');
--> statement-breakpoint
CREATE TRIGGER moderation_events_no_truncate BEFORE TRUNCATE ON moderation_events
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('moderation_events is append-only');
