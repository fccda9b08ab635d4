CREATE TABLE `site_settings` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `moderators` ADD `totp_key` text;--> statement-breakpoint
ALTER TABLE `moderators` ADD `recovery_code_hashes` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `created_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `second_factor_verified` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `submissions` ADD `decision_note` text;--> statement-breakpoint
ALTER TABLE `submissions` ADD `needs_second_opinion` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `submissions` ADD `claimed_by` text REFERENCES moderators(id);--> statement-breakpoint
ALTER TABLE `submissions` ADD `claimed_until` integer;