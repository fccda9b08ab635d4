import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	customType,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
} from 'drizzle-orm/pg-core';
import type { ContentWarningSlug, MilestoneSlug, TopicSlug } from '../src/lib/taxonomy.ts';
import { SUBMISSION_STATUSES } from './schema.ts';

/**
 * The PostgreSQL twin of db/schema.ts (issue 14): the same tables, column names,
 * constraints, indexes and defaults, and the same TypeScript types for the domain. Read
 * db/schema.ts for what each column means; comments here say only what differs.
 */

/**
 * Whole seconds since the epoch in a bigint, read as a Date: what SQLite's
 * `integer(…, { mode: 'timestamp' })` stores, so a moment keeps no finer time than there.
 * (A `timestamptz` would keep microseconds the privacy model never asked to store.)
 */
const epochSeconds = customType<{ data: Date; driverData: string | number }>({
	dataType: () => 'bigint',
	toDriver: (moment) => Math.floor(moment.getTime() / 1000),
	// pg hands a bigint back as a string: seconds stay exact as a JavaScript number to 2^53.
	fromDriver: (seconds) => new Date(Number(seconds) * 1000),
});

/** A tsvector column, written by PostgreSQL itself (a generated column), never by the app. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const submissions = pgTable(
	'submissions',
	{
		id: text('id').primaryKey(),
		/** Unique through submission_slugs (a partitioned table's unique keys must hold its partition key). */
		slug: text('slug'),
		title: text('title').notNull(),
		body: text('body').notNull(),
		bodyHtml: text('body_html').notNull(),
		penName: text('pen_name'),
		topics: jsonb('topics')
			.$type<TopicSlug[]>()
			.notNull()
			.default(sql`'[]'::jsonb`),
		milestone: text('milestone').$type<MilestoneSlug>(),
		contentWarnings: jsonb('content_warnings')
			.$type<ContentWarningSlug[]>()
			.notNull()
			.default(sql`'[]'::jsonb`),
		status: text('status', { enum: SUBMISSION_STATUSES }).notNull().default('pending'),
		resubmissionKey: text('resubmission_key'),
		version: integer('version').notNull().default(1),
		/** YYYY-MM-DD in UTC, as text like SQLite's: a `date` would read back as a Date. */
		createdDay: text('created_day').notNull(),
		publishedAt: epochSeconds('published_at'),
		decisionReason: text('decision_reason'),
		decisionNote: text('decision_note'),
		declinedAt: epochSeconds('declined_at'),
		textErased: boolean('text_erased').notNull().default(false),
		needsSecondOpinion: boolean('needs_second_opinion').notNull().default(false),
		claimedBy: text('claimed_by').references(() => moderators.id),
		claimedUntil: epochSeconds('claimed_until'),
	},
	(table) => [
		check(
			'submissions_status_known',
			sql`${table.status} IN (${sql.raw(SUBMISSION_STATUSES.map((status) => `'${status}'`).join(', '))})`,
		),
		index('submissions_slug_idx').on(table.slug),
		index('submissions_status_published_idx').on(table.status, table.publishedAt),
		index('submissions_resubmission_key_idx').on(table.resubmissionKey, table.createdDay),
		index('submissions_created_day_idx').on(table.createdDay),
		index('submissions_declined_idx').on(table.status, table.declinedAt),
	],
);

/**
 * Every slug a submission holds, once: `submissions` is split into partitions by id
 * (migration 0006), and a partitioned table can only keep a key unique within a partition.
 * A trigger on submissions keeps this table in step.
 */
export const submissionSlugs = pgTable('submission_slugs', {
	slug: text('slug').primaryKey(),
});

/**
 * The partitions (and small tables) where text was erased or replaced since they were last
 * rewritten, marked by triggers in the same transaction (migration 0006); erasure-postgres.ts
 * rewrites each and deletes its row. Holds table names only.
 */
export const pendingRewrites = pgTable('pending_rewrites', {
	relation: text('relation').primaryKey(),
	/** Raised by every new mark, so a rewrite that began before it does not clear it. */
	generation: bigint('generation', { mode: 'number' }).notNull().default(1),
});

export const submissionReceipts = pgTable(
	'submission_receipts',
	{
		receiptHash: text('receipt_hash').primaryKey(),
		submissionId: text('submission_id')
			.notNull()
			.references(() => submissions.id, { onDelete: 'cascade' }),
	},
	(table) => [index('submission_receipts_submission_idx').on(table.submissionId)],
);

export const appSecrets = pgTable('app_secrets', {
	name: text('name').primaryKey(),
	value: text('value').notNull(),
});

export const moderators = pgTable('moderators', {
	id: text('id').primaryKey(),
	username: text('username').notNull().unique(),
	passwordHash: text('password_hash').notNull(),
	isAdmin: boolean('is_admin').notNull().default(false),
	disabledAt: epochSeconds('disabled_at'),
	createdAt: epochSeconds('created_at').notNull(),
	totpKey: text('totp_key'),
	recoveryCodeHashes: jsonb('recovery_code_hashes').$type<string[]>(),
	totpLastUsedStep: integer('totp_last_used_step'),
	secondFactorFailures: integer('second_factor_failures').notNull().default(0),
	secondFactorPausedUntil: epochSeconds('second_factor_paused_until'),
});

/**
 * Expiry in epoch seconds as a number, as in SQLite (lucia's SQLite adapter shape). Lucia's
 * PostgreSQL adapter wants a timestamptz instead: the session layer on PostgreSQL is the
 * next slice's (DESIGN.md: lucia sits behind session.ts alone).
 */
export const sessions = pgTable('sessions', {
	id: text('id').primaryKey(),
	userId: text('user_id')
		.notNull()
		.references(() => moderators.id, { onDelete: 'cascade' }),
	expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
	createdAt: epochSeconds('created_at')
		.notNull()
		.default(sql`0`),
	secondFactorVerified: boolean('second_factor_verified').notNull().default(false),
	secondFactorFailures: integer('second_factor_failures').notNull().default(0),
});

export const siteSettings = pgTable('site_settings', {
	name: text('name').primaryKey(),
	value: text('value').notNull(),
});

/**
 * Append-only audit trail: the custom migration db/migrations-pg/0002_audit_append_only.sql
 * refuses UPDATE, DELETE and TRUNCATE. Ids are random 53-bit numbers (row-ids.ts), hence
 * a bigint read as a number; there is no sequence, whose order would date rows.
 */
export const moderationEvents = pgTable(
	'moderation_events',
	{
		id: bigint('id', { mode: 'number' }).primaryKey(),
		moderatorId: text('moderator_id').references(() => moderators.id),
		submissionId: text('submission_id').references(() => submissions.id),
		action: text('action').notNull(),
		reason: text('reason'),
		detail: jsonb('detail').$type<Record<string, unknown>>(),
		createdAt: epochSeconds('created_at').notNull(),
	},
	(table) => [
		index('moderation_events_submission_idx').on(table.submissionId),
		index('moderation_events_created_idx').on(table.createdAt),
	],
);

export const reports = pgTable(
	'reports',
	{
		id: bigint('id', { mode: 'number' }).primaryKey(),
		submissionId: text('submission_id')
			.notNull()
			.references(() => submissions.id, { onDelete: 'cascade' }),
		reason: text('reason').notNull(),
		note: text('note'),
		createdAt: epochSeconds('created_at').notNull(),
		resolvedAt: epochSeconds('resolved_at'),
		resolvedBy: text('resolved_by').references(() => moderators.id),
		resolution: text('resolution'),
	},
	(table) => [
		index('reports_submission_idx').on(table.submissionId),
		index('reports_unresolved_idx').on(table.resolvedAt, table.submissionId),
	],
);

export const reactionCounts = pgTable(
	'reaction_counts',
	{
		storySlug: text('story_slug').notNull(),
		reaction: text('reaction').notNull(),
		count: integer('count').notNull().default(0),
	},
	(table) => [primaryKey({ columns: [table.storySlug, table.reaction] })],
);

export const dailyMarks = pgTable(
	'daily_marks',
	{
		day: text('day').notNull(),
		subject: text('subject').notNull(),
		mark: text('mark').notNull(),
	},
	(table) => [primaryKey({ columns: [table.day, table.subject, table.mark] })],
);

/**
 * Rate-limit windows shared by every app server (SQLite's one process keeps them in memory):
 * one row per limit and daily address key, with the counts of the current clock period and
 * of the one before it, deleted once both have ended.
 */
export const rateLimitWindows = pgTable(
	'rate_limit_windows',
	{
		name: text('name').notNull(),
		key: text('key').notNull(),
		/** Milliseconds since the epoch. */
		startedAt: bigint('started_at', { mode: 'number' }).notNull(),
		count: integer('count').notNull(),
		/** The count of the period before started_at's (src/lib/sliding-window.ts). */
		previousCount: integer('previous_count').notNull().default(0),
	},
	(table) => [
		primaryKey({ columns: [table.name, table.key] }),
		index('rate_limit_windows_started_idx').on(table.startedAt),
	],
);

export const pageGenerations = pgTable('page_generations', {
	scope: text('scope').primaryKey(),
	generation: integer('generation').notNull(),
});

/** Kept in step with its topics and counts by triggers (db/migrations-pg/0003_community_listings.sql). */
export const communityListings = pgTable(
	'community_listings',
	{
		slug: text('slug').primaryKey(),
		title: text('title').notNull(),
		penName: text('pen_name'),
		summary: text('summary').notNull(),
		readingMinutes: integer('reading_minutes').notNull(),
		topics: jsonb('topics').$type<TopicSlug[]>().notNull(),
		contentWarnings: jsonb('content_warnings').$type<ContentWarningSlug[]>().notNull(),
		milestone: text('milestone').$type<MilestoneSlug>(),
		publishedAt: epochSeconds('published_at').notNull(),
	},
	(table) => [
		index('community_listings_newest_idx').on(table.publishedAt, table.slug),
		index('community_listings_milestone_idx').on(table.milestone, table.publishedAt, table.slug),
	],
);

export const communityListingTopics = pgTable(
	'community_listing_topics',
	{
		topic: text('topic').$type<TopicSlug>().notNull(),
		milestone: text('milestone').$type<MilestoneSlug>(),
		publishedAt: epochSeconds('published_at').notNull(),
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

export const communityListingCounts = pgTable(
	'community_listing_counts',
	{
		topic: text('topic').notNull(),
		milestone: text('milestone').notNull(),
		count: integer('count').notNull(),
	},
	(table) => [primaryKey({ columns: [table.topic, table.milestone] })],
);

/**
 * The text search configuration every search_index document and query uses (migration
 * 0000_search_configuration): English with Porter stemming, as FTS5's `porter` tokenizer,
 * after the unaccent dictionary, as FTS5's `remove_diacritics 2` ("cafe" finds "café").
 */
export const SEARCH_CONFIGURATION = 'library_search';

/**
 * The text search weights of src/lib/server/search.ts: FTS5 ranks with
 * bm25(…, title 10.0, summary 4.0, body 1.0); PostgreSQL's default rank weights for
 * A, B and D are 1.0, 0.4 and 0.1, the same ratios.
 */
const WEIGHTED_DOCUMENT = sql.raw(
	[
		`setweight(to_tsvector('${SEARCH_CONFIGURATION}'::regconfig, coalesce("title", '')), 'A')`,
		`setweight(to_tsvector('${SEARCH_CONFIGURATION}'::regconfig, coalesce("summary", '')), 'B')`,
		`setweight(to_tsvector('${SEARCH_CONFIGURATION}'::regconfig, coalesce("body", '')), 'D')`,
	].join(' || '),
);

/**
 * Full-text search over every published piece, curated and community: the FTS5 table
 * `search_index` plus `search_rows` of the SQLite migrations (0004, 0021) in one plain
 * table. What replaces the FTS5 tricks: the path is the key (FTS5 needed a rowid derived
 * from it and `search_rows` to find it); `published_at` with its own index gives "newest
 * first" past the ranking cap (FTS5 packed the publish time into the rowid); the curated
 * rows' fingerprint sits in the row (it sat in `search_rows`); a GIN index over the
 * generated, weighted `document` answers `@@` (FTS5's own index answered MATCH).
 */
export const searchIndex = pgTable(
	'search_index',
	{
		path: text('path').primaryKey(),
		kind: text('kind').notNull(),
		/** The topic slugs; SQLite keeps them space-padded in one text for a LIKE. */
		topics: text('topics').array().notNull(),
		title: text('title').notNull(),
		summary: text('summary').notNull(),
		/** Plain text (markdownToPlainText), as in SQLite. */
		body: text('body').notNull(),
		publishedAt: epochSeconds('published_at').notNull(),
		/** Curated pieces only: a hash of what was indexed, so a start re-indexes only what changed. */
		fingerprint: text('fingerprint'),
		document: tsvector('document').generatedAlwaysAs(WEIGHTED_DOCUMENT).notNull(),
	},
	(table) => [
		index('search_index_document_idx').using('gin', table.document),
		index('search_index_newest_idx').on(table.publishedAt, table.path),
		index('search_index_curated_idx')
			.on(table.kind)
			.where(sql`${table.kind} <> 'community'`),
	],
);
