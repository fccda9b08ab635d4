import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ContentWarningSlug, MilestoneSlug, TopicSlug } from '../src/lib/taxonomy.ts';

export const SUBMISSION_STATUSES = [
	'pending',
	'approved',
	'rejected',
	'withdrawn',
	'unpublished',
] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/**
 * Anonymous narratives. Privacy: no address, user agent or time of day is kept —
 * only the calendar day a story arrived, and the hash of its receipt code.
 */
export const submissions = sqliteTable(
	'submissions',
	{
		id: text('id').primaryKey(),
		/** Assigned when the story is first published. */
		slug: text('slug').unique(),
		title: text('title').notNull(),
		/** Markdown exactly as written (or as redacted by a moderator). */
		body: text('body').notNull(),
		/** `body` rendered and sanitized at write time; the only HTML ever shown. */
		bodyHtml: text('body_html').notNull(),
		penName: text('pen_name'),
		topics: text('topics', { mode: 'json' })
			.$type<TopicSlug[]>()
			.notNull()
			.default(sql`'[]'`),
		/** Where the writer is in recovery (a slug from src/lib/taxonomy.ts), if they said. */
		milestone: text('milestone').$type<MilestoneSlug>(),
		contentWarnings: text('content_warnings', { mode: 'json' })
			.$type<ContentWarningSlug[]>()
			.notNull()
			.default(sql`'[]'`),
		status: text('status', { enum: SUBMISSION_STATUSES }).notNull().default('pending'),
		/**
		 * Folds an accidental double submission (a double click, a resent form) into one row:
		 * an HMAC of title and body keyed with the form token the server issued when the form
		 * was shown. Only that browser holds the token and it is never stored, so the same text
		 * from anyone else never matches, and nobody holding the database can confirm a guessed
		 * text with it. Erased with the text on withdrawal.
		 */
		resubmissionKey: text('resubmission_key'),
		/** Optimistic lock: every write bumps it, every decision names the version it saw. */
		version: integer('version').notNull().default(1),
		/** YYYY-MM-DD in UTC; deliberately no time of day. */
		createdDay: text('created_day').notNull(),
		publishedAt: integer('published_at', { mode: 'timestamp' }),
		/** Why a story was declined: a reason slug from src/lib/guidelines.ts, shown to the writer. */
		decisionReason: text('decision_reason'),
		/** The moderator's optional note to the writer, shown with the reason. */
		decisionNote: text('decision_note'),
		/**
		 * When a moderator declined it (their own action, so a full time): the text is erased
		 * DECLINED_RETENTION_DAYS later (src/lib/server/retention.ts). Null once erased.
		 */
		declinedAt: integer('declined_at', { mode: 'timestamp' }),
		/** The title, text and notes were erased (withdrawn, or declined past retention). */
		textErased: integer('text_erased', { mode: 'boolean' }).notNull().default(false),
		/** Marked by a moderator who wants a second opinion; the story stays in the queue. */
		needsSecondOpinion: integer('needs_second_opinion', { mode: 'boolean' })
			.notNull()
			.default(false),
		/** Who is reviewing it right now, until when: a claim lapses on its own. */
		claimedBy: text('claimed_by').references(() => moderators.id),
		claimedUntil: integer('claimed_until', { mode: 'timestamp' }),
	},
	(table) => [
		check(
			'submissions_status_known',
			sql`${table.status} IN (${sql.raw(SUBMISSION_STATUSES.map((status) => `'${status}'`).join(', '))})`,
		),
		index('submissions_status_published_idx').on(table.status, table.publishedAt),
		index('submissions_resubmission_key_idx').on(table.resubmissionKey, table.createdDay),
		// Newest first for the near-duplicate check, without sorting every submission.
		index('submissions_created_day_idx').on(table.createdDay),
		// The daily purge finds the declined stories past retention without a scan.
		index('submissions_declined_idx').on(table.status, table.declinedAt),
	],
);

/**
 * Receipt codes, stored only as hashes. Usually one per story; a story sent twice on the
 * same day (a lost response, a double click) gets a second working code for the same row.
 */
export const submissionReceipts = sqliteTable(
	'submission_receipts',
	{
		receiptHash: text('receipt_hash').primaryKey(),
		submissionId: text('submission_id')
			.notNull()
			.references(() => submissions.id, { onDelete: 'cascade' }),
	},
	(table) => [index('submission_receipts_submission_idx').on(table.submissionId)],
);

/** Secrets the site generates for itself on first use and shares across its processes. */
export const appSecrets = sqliteTable('app_secrets', {
	name: text('name').primaryKey(),
	value: text('value').notNull(),
});

export const moderators = sqliteTable('moderators', {
	id: text('id').primaryKey(),
	/** Stored lower-cased so that names are unique regardless of case. */
	username: text('username').notNull().unique(),
	passwordHash: text('password_hash').notNull(),
	isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
	disabledAt: integer('disabled_at', { mode: 'timestamp' }),
	createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
	/** Base64 TOTP key once a second factor is enrolled; null without one. */
	totpKey: text('totp_key'),
	/** SHA-256 hashes of the unused recovery codes. */
	recoveryCodeHashes: text('recovery_code_hashes', { mode: 'json' }).$type<string[]>(),
	/** The 30-second TOTP step of the last code accepted: that code and older ones are spent. */
	totpLastUsedStep: integer('totp_last_used_step'),
	/** Wrong second-factor codes since the last right one, across every sign-in. */
	secondFactorFailures: integer('second_factor_failures').notNull().default(0),
	/** Past the free wrong codes, no code is checked before this moment (a growing pause). */
	secondFactorPausedUntil: integer('second_factor_paused_until', { mode: 'timestamp' }),
});

/** Moderator sessions, in the shape lucia's drizzle adapter expects (expiry in seconds). */
export const sessions = sqliteTable('sessions', {
	id: text('id').primaryKey(),
	userId: text('user_id')
		.notNull()
		.references(() => moderators.id, { onDelete: 'cascade' }),
	expiresAt: integer('expires_at').notNull(),
	/** When the session began: sessions end 7 days after it, however active. Always set on insert. */
	createdAt: integer('created_at', { mode: 'timestamp' })
		.notNull()
		.default(sql`0`),
	/** False until the second factor was given at sign-in, for moderators who have one. */
	secondFactorVerified: integer('second_factor_verified', { mode: 'boolean' })
		.notNull()
		.default(false),
	/** Wrong second-factor codes given in this session; a handful ends it. */
	secondFactorFailures: integer('second_factor_failures').notNull().default(0),
});

/** Site-wide switches set by admins, e.g. whether every moderator needs a second factor. */
export const siteSettings = sqliteTable('site_settings', {
	name: text('name').primaryKey(),
	value: text('value').notNull(),
});

/**
 * Append-only audit trail; triggers in the migrations refuse UPDATE, DELETE and overwrites.
 * Privacy: ids are random (src/lib/server/row-ids.ts), and events caused by writers or
 * readers carry the start of their day, never a time of day.
 */
export const moderationEvents = sqliteTable(
	'moderation_events',
	{
		id: integer('id').primaryKey(),
		/** Null for events caused by the system or the command line. */
		moderatorId: text('moderator_id').references(() => moderators.id),
		submissionId: text('submission_id').references(() => submissions.id),
		action: text('action').notNull(),
		reason: text('reason'),
		detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
		createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
	},
	(table) => [
		index('moderation_events_submission_idx').on(table.submissionId),
		index('moderation_events_created_idx').on(table.createdAt),
	],
);

/** Readers' reports. Privacy: random ids, and the day of the report (midnight UTC), no time. */
export const reports = sqliteTable(
	'reports',
	{
		id: integer('id').primaryKey(),
		submissionId: text('submission_id')
			.notNull()
			.references(() => submissions.id, { onDelete: 'cascade' }),
		reason: text('reason').notNull(),
		/** The reader's note, erased when the report is resolved. */
		note: text('note'),
		createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
		resolvedAt: integer('resolved_at', { mode: 'timestamp' }),
		resolvedBy: text('resolved_by').references(() => moderators.id),
		resolution: text('resolution'),
	},
	(table) => [
		index('reports_submission_idx').on(table.submissionId),
		// The Reported tab starts from the open reports.
		index('reports_unresolved_idx').on(table.resolvedAt, table.submissionId),
	],
);

/**
 * Reader reactions, as aggregate counts only: no row ever says who reacted.
 * Keyed by story slug so curated and community stories share one table.
 */
export const reactionCounts = sqliteTable(
	'reaction_counts',
	{
		storySlug: text('story_slug').notNull(),
		reaction: text('reaction').notNull(),
		count: integer('count').notNull().default(0),
	},
	(table) => [primaryKey({ columns: [table.storySlug, table.reaction] })],
);

/**
 * What a reader did today that counts once: a reaction to a story, a report of it. `subject`
 * names the act and the story; `mark` is a keyed hash of the reader's daily address key and
 * the subject (daily-marks.ts), so the marks of one reader cannot be linked across stories,
 * and nothing here can be turned back into an address. Rows of an earlier day are deleted.
 */
export const dailyMarks = sqliteTable(
	'daily_marks',
	{
		day: text('day').notNull(),
		subject: text('subject').notNull(),
		mark: text('mark').notNull(),
	},
	(table) => [primaryKey({ columns: [table.day, table.subject, table.mark] })],
);

/**
 * Counters that every server process reads before answering from its page cache: the
 * `*` row moves when anything in the public library changes (publish, edit, unpublish,
 * withdrawal), a path's row when only that page changes (its reaction counts).
 */
export const pageGenerations = sqliteTable('page_generations', {
	scope: text('scope').primaryKey(),
	generation: integer('generation').notNull(),
});

/**
 * What lists show of each published community story, written when it is published or its
 * published text changes and deleted when it leaves the library (library-changes.ts), so a
 * list is an indexed read of one page of rows: nothing derives summaries from full texts,
 * and no process holds the library. Withdrawal deletes the row (secure_delete erases it).
 */
export const communityListings = sqliteTable(
	'community_listings',
	{
		slug: text('slug').primaryKey(),
		title: text('title').notNull(),
		penName: text('pen_name'),
		/** The opening words, as plain text (plainTextExcerpt). */
		summary: text('summary').notNull(),
		readingMinutes: integer('reading_minutes').notNull(),
		topics: text('topics', { mode: 'json' }).$type<TopicSlug[]>().notNull(),
		contentWarnings: text('content_warnings', { mode: 'json' })
			.$type<ContentWarningSlug[]>()
			.notNull(),
		milestone: text('milestone').$type<MilestoneSlug>(),
		publishedAt: integer('published_at', { mode: 'timestamp' }).notNull(),
	},
	(table) => [
		// Lists run newest first, ties by slug; both indexes hold the key, so skipping to a
		// deep page reads index entries only.
		index('community_listings_newest_idx').on(table.publishedAt, table.slug),
		index('community_listings_milestone_idx').on(table.milestone, table.publishedAt, table.slug),
	],
);

/**
 * One row per topic of each listed community story, kept by triggers on `community_listings`
 * (migration 0020): a topic's list is an index range, newest first.
 */
export const communityListingTopics = sqliteTable(
	'community_listing_topics',
	{
		topic: text('topic').$type<TopicSlug>().notNull(),
		milestone: text('milestone').$type<MilestoneSlug>(),
		publishedAt: integer('published_at', { mode: 'timestamp' }).notNull(),
		slug: text('slug').notNull(),
	},
	(table) => [
		primaryKey({ columns: [table.topic, table.publishedAt, table.slug] }),
		index('community_listing_topics_milestone_idx').on(
			table.topic,
			table.milestone,
			table.publishedAt,
			table.slug,
		),
	],
);

/**
 * How many community stories are listed, per topic and milestone (`''` means any), kept by
 * triggers (migration 0020): page counts and topic counts without counting rows.
 */
export const communityListingCounts = sqliteTable(
	'community_listing_counts',
	{
		topic: text('topic').notNull(),
		milestone: text('milestone').notNull(),
		count: integer('count').notNull(),
	},
	(table) => [primaryKey({ columns: [table.topic, table.milestone] })],
);
