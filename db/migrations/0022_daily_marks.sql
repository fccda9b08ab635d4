CREATE TABLE `daily_marks` (
	`day` text NOT NULL,
	`subject` text NOT NULL,
	`mark` text NOT NULL,
	PRIMARY KEY(`day`, `subject`, `mark`)
);
