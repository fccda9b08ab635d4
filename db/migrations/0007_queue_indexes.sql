CREATE INDEX `reports_unresolved_idx` ON `reports` (`resolved_at`,`submission_id`);--> statement-breakpoint
CREATE INDEX `submissions_created_day_idx` ON `submissions` (`created_day`);