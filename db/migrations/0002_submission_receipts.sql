CREATE TABLE `app_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `submission_receipts` (
	`receipt_hash` text PRIMARY KEY NOT NULL,
	`submission_id` text NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `submission_receipts_submission_idx` ON `submission_receipts` (`submission_id`);--> statement-breakpoint
INSERT INTO `submission_receipts` (`receipt_hash`, `submission_id`) SELECT `receipt_hash`, `id` FROM `submissions`;--> statement-breakpoint
DROP INDEX `submissions_receipt_hash_unique`;--> statement-breakpoint
ALTER TABLE `submissions` ADD `content_hash` text;--> statement-breakpoint
CREATE INDEX `submissions_content_hash_idx` ON `submissions` (`content_hash`,`created_day`);--> statement-breakpoint
ALTER TABLE `submissions` DROP COLUMN `receipt_hash`;