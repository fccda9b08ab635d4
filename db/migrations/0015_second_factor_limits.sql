ALTER TABLE `moderators` ADD `totp_last_used_step` integer;--> statement-breakpoint
ALTER TABLE `moderators` ADD `second_factor_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `moderators` ADD `second_factor_paused_until` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `second_factor_failures` integer DEFAULT 0 NOT NULL;