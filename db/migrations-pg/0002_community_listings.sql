-- The topic rows and the counts follow the listings, in the same statement, whoever writes
-- (as SQLite's migration 0020). A listing is never updated in place: library-changes.ts
-- deletes and inserts it. `''` in community_listing_counts means any topic or any milestone.
CREATE FUNCTION community_listing_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO community_listing_topics (topic, milestone, published_at, slug)
		SELECT listed.topic, NEW.milestone, NEW.published_at, NEW.slug
		FROM jsonb_array_elements_text(NEW.topics) AS listed (topic);
	INSERT INTO community_listing_counts (topic, milestone, count)
		SELECT '', counted.milestone, 1
		FROM (VALUES (''), (NEW.milestone)) AS counted (milestone)
		WHERE counted.milestone IS NOT NULL
		ON CONFLICT (topic, milestone) DO UPDATE SET count = community_listing_counts.count + 1;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION community_listing_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM community_listing_topics
		WHERE topic IN (SELECT jsonb_array_elements_text(OLD.topics))
			AND published_at = OLD.published_at AND slug = OLD.slug;
	UPDATE community_listing_counts SET count = count - 1
		WHERE topic = '' AND (milestone = '' OR milestone = OLD.milestone);
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION refuse_listing_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'community_listings rows are replaced, never updated'
		USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE FUNCTION community_listing_topic_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO community_listing_counts (topic, milestone, count)
		SELECT NEW.topic, counted.milestone, 1
		FROM (VALUES (''), (NEW.milestone)) AS counted (milestone)
		WHERE counted.milestone IS NOT NULL
		ON CONFLICT (topic, milestone) DO UPDATE SET count = community_listing_counts.count + 1;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION community_listing_topic_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE community_listing_counts SET count = count - 1
		WHERE topic = OLD.topic AND (milestone = '' OR milestone = OLD.milestone);
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER community_listings_added AFTER INSERT ON community_listings
	FOR EACH ROW EXECUTE FUNCTION community_listing_added();
--> statement-breakpoint
CREATE TRIGGER community_listings_removed AFTER DELETE ON community_listings
	FOR EACH ROW EXECUTE FUNCTION community_listing_removed();
--> statement-breakpoint
CREATE TRIGGER community_listings_never_updated BEFORE UPDATE ON community_listings
	FOR EACH ROW EXECUTE FUNCTION refuse_listing_update();
--> statement-breakpoint
CREATE TRIGGER community_listing_topics_added AFTER INSERT ON community_listing_topics
	FOR EACH ROW EXECUTE FUNCTION community_listing_topic_added();
--> statement-breakpoint
CREATE TRIGGER community_listing_topics_removed AFTER DELETE ON community_listing_topics
	FOR EACH ROW EXECUTE FUNCTION community_listing_topic_removed();
