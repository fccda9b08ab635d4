CREATE TABLE "app_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "community_listing_counts" (
	"topic" text NOT NULL,
	"milestone" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "community_listing_counts_topic_milestone_pk" PRIMARY KEY("topic","milestone")
);
--> statement-breakpoint
CREATE TABLE "community_listing_topics" (
	"topic" text NOT NULL,
	"milestone" text,
	"published_at" bigint NOT NULL,
	"slug" text NOT NULL,
	CONSTRAINT "community_listing_topics_topic_published_at_slug_pk" PRIMARY KEY("topic","published_at","slug")
);
--> statement-breakpoint
CREATE TABLE "community_listings" (
	"slug" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"pen_name" text,
	"summary" text NOT NULL,
	"reading_minutes" integer NOT NULL,
	"topics" jsonb NOT NULL,
	"content_warnings" jsonb NOT NULL,
	"milestone" text,
	"published_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "moderation_events" (
	"id" bigint PRIMARY KEY NOT NULL,
	"moderator_id" text,
	"submission_id" text,
	"action" text NOT NULL,
	"reason" text,
	"detail" jsonb,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "moderators" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"disabled_at" bigint,
	"created_at" bigint NOT NULL,
	"totp_key" text,
	"recovery_code_hashes" jsonb,
	"totp_last_used_step" integer,
	"second_factor_failures" integer DEFAULT 0 NOT NULL,
	"second_factor_paused_until" bigint,
	CONSTRAINT "moderators_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "page_generations" (
	"scope" text PRIMARY KEY NOT NULL,
	"generation" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reaction_counts" (
	"story_slug" text NOT NULL,
	"reaction" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "reaction_counts_story_slug_reaction_pk" PRIMARY KEY("story_slug","reaction")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" bigint PRIMARY KEY NOT NULL,
	"submission_id" text NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"created_at" bigint NOT NULL,
	"resolved_at" bigint,
	"resolved_by" text,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "search_index" (
	"path" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"topics" text[] NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"body" text NOT NULL,
	"published_at" bigint NOT NULL,
	"fingerprint" text,
	"document" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('library_search'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('library_search'::regconfig, coalesce("summary", '')), 'B') || setweight(to_tsvector('library_search'::regconfig, coalesce("body", '')), 'D')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"created_at" bigint DEFAULT 0 NOT NULL,
	"second_factor_verified" boolean DEFAULT false NOT NULL,
	"second_factor_failures" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "site_settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submission_receipts" (
	"receipt_hash" text PRIMARY KEY NOT NULL,
	"submission_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"body_html" text NOT NULL,
	"pen_name" text,
	"topics" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"milestone" text,
	"content_warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"resubmission_key" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_day" text NOT NULL,
	"published_at" bigint,
	"decision_reason" text,
	"decision_note" text,
	"declined_at" bigint,
	"text_erased" boolean DEFAULT false NOT NULL,
	"needs_second_opinion" boolean DEFAULT false NOT NULL,
	"claimed_by" text,
	"claimed_until" bigint,
	CONSTRAINT "submissions_slug_unique" UNIQUE("slug"),
	CONSTRAINT "submissions_status_known" CHECK ("submissions"."status" IN ('pending', 'approved', 'rejected', 'withdrawn', 'unpublished'))
);
--> statement-breakpoint
ALTER TABLE "moderation_events" ADD CONSTRAINT "moderation_events_moderator_id_moderators_id_fk" FOREIGN KEY ("moderator_id") REFERENCES "public"."moderators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_events" ADD CONSTRAINT "moderation_events_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_resolved_by_moderators_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."moderators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_moderators_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."moderators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submission_receipts" ADD CONSTRAINT "submission_receipts_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_claimed_by_moderators_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."moderators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "community_listing_topics_milestone_idx" ON "community_listing_topics" USING btree ("topic","milestone","published_at","slug");--> statement-breakpoint
CREATE INDEX "community_listings_newest_idx" ON "community_listings" USING btree ("published_at","slug");--> statement-breakpoint
CREATE INDEX "community_listings_milestone_idx" ON "community_listings" USING btree ("milestone","published_at","slug");--> statement-breakpoint
CREATE INDEX "moderation_events_submission_idx" ON "moderation_events" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "moderation_events_created_idx" ON "moderation_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "reports_submission_idx" ON "reports" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "reports_unresolved_idx" ON "reports" USING btree ("resolved_at","submission_id");--> statement-breakpoint
CREATE INDEX "search_index_document_idx" ON "search_index" USING gin ("document");--> statement-breakpoint
CREATE INDEX "search_index_newest_idx" ON "search_index" USING btree ("published_at","path");--> statement-breakpoint
CREATE INDEX "search_index_curated_idx" ON "search_index" USING btree ("kind") WHERE "search_index"."kind" <> 'community';--> statement-breakpoint
CREATE INDEX "submission_receipts_submission_idx" ON "submission_receipts" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "submissions_status_published_idx" ON "submissions" USING btree ("status","published_at");--> statement-breakpoint
CREATE INDEX "submissions_resubmission_key_idx" ON "submissions" USING btree ("resubmission_key","created_day");--> statement-breakpoint
CREATE INDEX "submissions_created_day_idx" ON "submissions" USING btree ("created_day");--> statement-breakpoint
CREATE INDEX "submissions_declined_idx" ON "submissions" USING btree ("status","declined_at");