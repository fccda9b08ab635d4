-- The audit trail stays append-only against REPLACE, INSERT OR REPLACE and an upsert too.
-- Those delete the old row without firing the DELETE trigger unless recursive_triggers is
-- on (it is off in most SQLite clients), so refuse any insert whose id is already taken.
CREATE TRIGGER `moderation_events_no_overwrite` BEFORE INSERT ON `moderation_events`
WHEN EXISTS (SELECT 1 FROM `moderation_events` WHERE `id` = NEW.`id`)
BEGIN
	SELECT RAISE(ABORT, 'moderation_events is append-only');
END;
