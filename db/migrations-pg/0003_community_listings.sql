-- The topic rows and the counts follow the listings, in the same statement, whoever writes
-- (as SQLite's migration 0020). A listing is never updated in place: library-changes.ts
-- deletes and inserts it.
-- Counts one listed story in or out of a topic (`''`: any topic), for any milestone (`''`)
-- and for its own milestone if it has one.
CREATE FUNCTION count_community_listing(listed_topic text, listed_milestone text, change integer)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO community_listing_counts (topic, milestone, count)
		SELECT listed_topic, counted.milestone, change
		FROM (VALUES (''), (listed_milestone)) AS counted (milestone)
		WHERE counted.milestone IS NOT NULL
		ON CONFLICT (topic, milestone) DO UPDATE SET count = community_listing_counts.count + change;
$$;
--> statement-breakpoint
CREATE FUNCTION community_listing_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO community_listing_topics (topic, milestone, published_at, slug)
		SELECT listed.topic, NEW.milestone, NEW.published_at, NEW.slug
		FROM jsonb_array_elements_text(NEW.topics) AS listed (topic);
	PERFORM count_community_listing('', NEW.milestone, 1);
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION community_listing_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM community_listing_topics
		WHERE topic IN (SELECT jsonb_array_elements_text(OLD.topics))
			AND published_at = OLD.published_at AND slug = OLD.slug;
	PERFORM count_community_listing('', OLD.milestone, -1);
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION community_listing_topic_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM count_community_listing(NEW.topic, NEW.milestone, 1);
	ELSE
		PERFORM count_community_listing(OLD.topic, OLD.milestone, -1);
	END IF;
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
	FOR EACH ROW EXECUTE FUNCTION refuse_change('community_listings rows are replaced, never updated');
--> statement-breakpoint
CREATE TRIGGER community_listing_topics_changed AFTER INSERT OR DELETE ON community_listing_topics
	FOR EACH ROW EXECUTE FUNCTION community_listing_topic_changed();
