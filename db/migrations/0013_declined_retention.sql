ALTER TABLE `submissions` ADD `declined_at` integer;--> statement-breakpoint
ALTER TABLE `submissions` ADD `text_erased` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `submissions_declined_idx` ON `submissions` (`status`,`declined_at`);