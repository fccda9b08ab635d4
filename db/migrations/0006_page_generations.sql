CREATE TABLE `page_generations` (
	`scope` text PRIMARY KEY NOT NULL,
	`generation` integer NOT NULL
);
