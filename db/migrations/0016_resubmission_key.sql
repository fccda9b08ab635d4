ALTER TABLE `submissions` ADD `resubmission_key` text;--> statement-breakpoint
CREATE INDEX `submissions_resubmission_key_idx` ON `submissions` (`resubmission_key`,`created_day`);