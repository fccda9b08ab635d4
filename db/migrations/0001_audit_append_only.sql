-- The audit trail is append-only: a moderator's decision, once recorded, can be
-- neither rewritten nor erased, not even by a bug in our own code.
CREATE TRIGGER `moderation_events_no_update` BEFORE UPDATE ON `moderation_events`
BEGIN
	SELECT RAISE(ABORT, 'moderation_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `moderation_events_no_delete` BEFORE DELETE ON `moderation_events`
BEGIN
	SELECT RAISE(ABORT, 'moderation_events is append-only');
END;
