DROP INDEX `submissions_content_hash_idx`;--> statement-breakpoint
ALTER TABLE `submissions` DROP COLUMN `content_hash`;