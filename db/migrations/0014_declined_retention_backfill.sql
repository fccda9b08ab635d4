-- Stories declined before this migration start their retention from their last recorded
-- decline (or today, if the audit trail has none); withdrawn stories were erased already.
UPDATE `submissions` SET `declined_at` = coalesce(
	(SELECT max(`created_at`) FROM `moderation_events`
		WHERE `submission_id` = `submissions`.`id` AND `action` = 'decline'),
	unixepoch())
WHERE `status` = 'rejected';
--> statement-breakpoint
UPDATE `submissions` SET `text_erased` = 1 WHERE `status` = 'withdrawn';
