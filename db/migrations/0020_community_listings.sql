CREATE TABLE `community_listing_counts` (
	`topic` text NOT NULL,
	`milestone` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`topic`, `milestone`)
);
--> statement-breakpoint
CREATE TABLE `community_listing_topics` (
	`topic` text NOT NULL,
	`milestone` text,
	`published_at` integer NOT NULL,
	`slug` text NOT NULL,
	PRIMARY KEY(`topic`, `published_at`, `slug`)
);
--> statement-breakpoint
CREATE INDEX `community_listing_topics_milestone_idx` ON `community_listing_topics` (`topic`,`milestone`,`published_at`,`slug`);--> statement-breakpoint
CREATE TABLE `community_listings` (
	`slug` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`pen_name` text,
	`summary` text NOT NULL,
	`reading_minutes` integer NOT NULL,
	`topics` text NOT NULL,
	`content_warnings` text NOT NULL,
	`milestone` text,
	`published_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `community_listings_newest_idx` ON `community_listings` (`published_at`,`slug`);--> statement-breakpoint
CREATE INDEX `community_listings_milestone_idx` ON `community_listings` (`milestone`,`published_at`,`slug`);--> statement-breakpoint
-- The topic rows and the counts follow the listings, in the same statement, whoever writes.
-- A listing is never updated in place: library-changes.ts deletes and inserts it.
CREATE TRIGGER `community_listings_added` AFTER INSERT ON `community_listings` BEGIN
	INSERT INTO `community_listing_topics` (`topic`, `milestone`, `published_at`, `slug`)
		SELECT value, NEW.`milestone`, NEW.`published_at`, NEW.`slug` FROM json_each(NEW.`topics`);
	INSERT INTO `community_listing_counts` (`topic`, `milestone`, `count`)
		SELECT '', m, 1 FROM (SELECT '' AS m UNION ALL SELECT NEW.`milestone` WHERE NEW.`milestone` IS NOT NULL)
		WHERE true
		ON CONFLICT (`topic`, `milestone`) DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `community_listings_removed` AFTER DELETE ON `community_listings` BEGIN
	DELETE FROM `community_listing_topics`
		WHERE `topic` IN (SELECT value FROM json_each(OLD.`topics`))
			AND `published_at` = OLD.`published_at` AND `slug` = OLD.`slug`;
	UPDATE `community_listing_counts` SET `count` = `count` - 1
		WHERE `topic` = '' AND (`milestone` = '' OR `milestone` = OLD.`milestone`);
END;
--> statement-breakpoint
CREATE TRIGGER `community_listings_never_updated` BEFORE UPDATE ON `community_listings` BEGIN
	SELECT RAISE(ABORT, 'community_listings rows are replaced, never updated');
END;
--> statement-breakpoint
CREATE TRIGGER `community_listing_topics_added` AFTER INSERT ON `community_listing_topics` BEGIN
	INSERT INTO `community_listing_counts` (`topic`, `milestone`, `count`)
		SELECT NEW.`topic`, m, 1 FROM (SELECT '' AS m UNION ALL SELECT NEW.`milestone` WHERE NEW.`milestone` IS NOT NULL)
		WHERE true
		ON CONFLICT (`topic`, `milestone`) DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `community_listing_topics_removed` AFTER DELETE ON `community_listing_topics` BEGIN
	UPDATE `community_listing_counts` SET `count` = `count` - 1
		WHERE `topic` = OLD.`topic` AND (`milestone` = '' OR `milestone` = OLD.`milestone`);
END;
