-- Privacy: nothing stored may tell when a writer or reader acted (SECURITY.md). Ids handed
-- out in arrival order date a writer's day-stamped event to the second by the timestamped
-- moderator events around it, so existing audit events and reports get random ids (new
-- ones get them from src/lib/server/row-ids.ts); reports and auto-hide events (caused by
-- readers) keep their day only; and the audit keeps no unkeyed hash of a story's text (it
-- confirmed a guessed text) nor a copy of a decline note (it stays with the story and is
-- erased with it).
UPDATE `moderation_events` SET `id` = abs(random() >> 11);
--> statement-breakpoint
UPDATE `moderation_events` SET `created_at` = `created_at` - `created_at` % 86400 WHERE `action` = 'auto-hidden';
--> statement-breakpoint
UPDATE `moderation_events` SET `detail` = json_remove(`detail`, '$.textBefore', '$.textAfter')
WHERE json_type(`detail`, '$.textBefore') IS NOT NULL OR json_type(`detail`, '$.textAfter') IS NOT NULL;
--> statement-breakpoint
UPDATE `moderation_events`
SET `detail` = CASE WHEN json_extract(`detail`, '$.note') IS NULL THEN NULL ELSE '{"withNote":true}' END
WHERE `action` = 'decline' AND json_type(`detail`, '$.note') IS NOT NULL;
--> statement-breakpoint
UPDATE `reports` SET `id` = abs(random() >> 11), `created_at` = `created_at` - `created_at` % 86400;
--> statement-breakpoint
-- The append-only guards (0001 and 0010), which the rebuild in 0011 dropped with the old table.
CREATE TRIGGER `moderation_events_no_update` BEFORE UPDATE ON `moderation_events`
BEGIN
	SELECT RAISE(ABORT, 'moderation_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `moderation_events_no_delete` BEFORE DELETE ON `moderation_events`
BEGIN
	SELECT RAISE(ABORT, 'moderation_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `moderation_events_no_overwrite` BEFORE INSERT ON `moderation_events`
WHEN EXISTS (SELECT 1 FROM `moderation_events` WHERE `id` = NEW.`id`)
BEGIN
	SELECT RAISE(ABORT, 'moderation_events is append-only');
END;
--> statement-breakpoint
-- Tables keyed by text still number their rows in a hidden rowid, in arrival order: the
-- order of stories, receipts, and of the first reaction to each story. Scramble the rowids
-- of the rows there are, and move every new row to a random rowid as it arrives.
UPDATE `submissions` SET rowid = abs(random() >> 11);
--> statement-breakpoint
UPDATE `submission_receipts` SET rowid = abs(random() >> 11);
--> statement-breakpoint
UPDATE `reaction_counts` SET rowid = abs(random() >> 11);
--> statement-breakpoint
UPDATE `page_generations` SET rowid = abs(random() >> 11);
--> statement-breakpoint
CREATE TRIGGER `submissions_random_rowid` AFTER INSERT ON `submissions`
BEGIN
	UPDATE `submissions` SET rowid = abs(random() >> 11) WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `submission_receipts_random_rowid` AFTER INSERT ON `submission_receipts`
BEGIN
	UPDATE `submission_receipts` SET rowid = abs(random() >> 11) WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `reaction_counts_random_rowid` AFTER INSERT ON `reaction_counts`
BEGIN
	UPDATE `reaction_counts` SET rowid = abs(random() >> 11) WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `page_generations_random_rowid` AFTER INSERT ON `page_generations`
BEGIN
	UPDATE `page_generations` SET rowid = abs(random() >> 11) WHERE rowid = NEW.rowid;
END;
