CREATE TABLE "daily_marks" (
	"day" text NOT NULL,
	"subject" text NOT NULL,
	"mark" text NOT NULL,
	CONSTRAINT "daily_marks_day_subject_mark_pk" PRIMARY KEY("day","subject","mark")
);
--> statement-breakpoint
CREATE TABLE "rate_limit_windows" (
	"name" text NOT NULL,
	"key" text NOT NULL,
	"started_at" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "rate_limit_windows_name_key_pk" PRIMARY KEY("name","key")
);
--> statement-breakpoint
CREATE INDEX "rate_limit_windows_started_idx" ON "rate_limit_windows" USING btree ("started_at");