CREATE TABLE `moderation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
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
CREATE INDEX `moderation_events_submission_idx` ON `moderation_events` (`submission_id`);--> statement-breakpoint
CREATE INDEX `moderation_events_created_idx` ON `moderation_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `moderators` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `moderators_username_unique` ON `moderators` (`username`);--> statement-breakpoint
CREATE TABLE `reaction_counts` (
	`story_slug` text NOT NULL,
	`reaction` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`story_slug`, `reaction`)
);
--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
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
CREATE INDEX `reports_submission_idx` ON `reports` (`submission_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `moderators`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`body_html` text NOT NULL,
	`pen_name` text,
	`topics` text DEFAULT '[]' NOT NULL,
	`content_warnings` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`receipt_hash` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_day` text NOT NULL,
	`published_at` integer,
	`decision_reason` text,
	CONSTRAINT "submissions_status_known" CHECK("submissions"."status" IN ('pending', 'approved', 'rejected', 'withdrawn', 'unpublished'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_slug_unique` ON `submissions` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_receipt_hash_unique` ON `submissions` (`receipt_hash`);--> statement-breakpoint
CREATE INDEX `submissions_status_published_idx` ON `submissions` (`status`,`published_at`);