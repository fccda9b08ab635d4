-- Audit events and reports get ids without AUTOINCREMENT: the next migration gives them
-- random ids (src/lib/server/row-ids.ts). This rebuild drops the append-only triggers,
-- which 0012_no_times_of_day creates again.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_moderation_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`moderator_id` text,
	`submission_id` text,
	`action` text NOT NULL,
	`reason` text,
	`detail` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`moderator_id`) REFERENCES `moderators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_moderation_events`("id", "moderator_id", "submission_id", "action", "reason", "detail", "created_at") SELECT "id", "moderator_id", "submission_id", "action", "reason", "detail", "created_at" FROM `moderation_events`;--> statement-breakpoint
DROP TABLE `moderation_events`;--> statement-breakpoint
ALTER TABLE `__new_moderation_events` RENAME TO `moderation_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `moderation_events_submission_idx` ON `moderation_events` (`submission_id`);--> statement-breakpoint
CREATE INDEX `moderation_events_created_idx` ON `moderation_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `__new_reports` (
	`id` integer PRIMARY KEY NOT NULL,
	`submission_id` text NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` text,
	`resolution` text,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resolved_by`) REFERENCES `moderators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_reports`("id", "submission_id", "reason", "note", "created_at", "resolved_at", "resolved_by", "resolution") SELECT "id", "submission_id", "reason", "note", "created_at", "resolved_at", "resolved_by", "resolution" FROM `reports`;--> statement-breakpoint
DROP TABLE `reports`;--> statement-breakpoint
ALTER TABLE `__new_reports` RENAME TO `reports`;--> statement-breakpoint
CREATE INDEX `reports_submission_idx` ON `reports` (`submission_id`);--> statement-breakpoint
CREATE INDEX `reports_unresolved_idx` ON `reports` (`resolved_at`,`submission_id`);