import { and, asc, desc, eq, gt, inArray, lt, or, type SQL } from 'drizzle-orm';
import type {
	communityListings,
	communityListingTopics,
	submissions as submissionsTable,
} from '../../../db/schema.ts';
import { getStore, type Scope, type Store } from '../../../db/store.ts';
import type { LibraryPiece } from '../library.ts';
import { plainTextExcerpt } from '../plain-text.ts';
import { readingMinutes } from '../reading-time.ts';
import { DEFAULT_PEN_NAME } from '../story-draft.ts';
import type { ContentWarningSlug, MilestoneSlug, TopicSlug } from '../taxonomy.ts';

/** Characters of a story's opening that lists and feeds show as its summary. */
export const SUMMARY_LENGTH = 200;

/**
 * Community stories considered per topic of a story: the nearest ones listed before it.
 * Related reading only looks back, so publishing a new story never changes the related
 * reading of pages already cached; a change to a story touches the pages of at most this
 * many newer stories per topic (library-changes.ts; related-reading.ts reads them).
 */
export const RELATED_CANDIDATES_PER_TOPIC = 6;

export type CommunityListing = typeof communityListings.$inferSelect;

/** The place of a story in every list: newest first, ties by slug (descending). */
export interface ListPosition {
	publishedAt: Date;
	slug: string;
}

export interface CommunityFilters {
	topic: TopicSlug | null;
	milestone: MilestoneSlug | null;
}

/** A listed community story as lists, feeds and related reading show it. */
export function listingToPiece(listing: CommunityListing): LibraryPiece {
	return {
		collection: 'stories',
		slug: listing.slug,
		href: `/stories/${listing.slug}`,
		title: listing.title,
		summary: listing.summary,
		published: listing.publishedAt,
		kind: 'community',
		byline: listing.penName ?? DEFAULT_PEN_NAME,
		topics: listing.topics,
		contentWarnings: listing.contentWarnings,
		milestone: listing.milestone,
		featured: false,
		readingMinutes: listing.readingMinutes,
	};
}

/**
 * Writes (or rewrites) the listing of the story at `slug` from its stored row: what a list
 * shows is derived here, once per publish or edit, never per request. Returns the listing it
 * replaced and the new one (`null` when the story is not published: nothing is listed then).
 */
export async function listStory(
	scope: Scope,
	slug: string,
): Promise<{ replaced: CommunityListing | null; listing: CommunityListing | null }> {
	const { submissions, communityListings } = scope.tables;
	const [story] = await scope.query
		.select({ status: submissions.status, ...listableColumnsOf(submissions) })
		.from(submissions)
		.where(eq(submissions.slug, slug))
		.limit(1);
	const replaced = await unlistStory(scope, slug);
	if (!story || story.status !== 'approved' || !story.publishedAt)
		return { replaced, listing: null };
	const listing = listingOf({ ...story, slug, publishedAt: story.publishedAt });
	await scope.query.insert(communityListings).values(listing);
	return { replaced, listing };
}

/** The stored columns a story's listing is made from (listingOf), to select. */
export function listableColumnsOf(submissions: typeof submissionsTable) {
	return {
		slug: submissions.slug,
		title: submissions.title,
		body: submissions.body,
		penName: submissions.penName,
		topics: submissions.topics,
		contentWarnings: submissions.contentWarnings,
		milestone: submissions.milestone,
		publishedAt: submissions.publishedAt,
	};
}

/** What a published story needs for its listing: its stored columns. */
export interface ListableStory {
	slug: string;
	title: string;
	body: string;
	penName: string | null;
	topics: TopicSlug[];
	contentWarnings: ContentWarningSlug[];
	milestone: MilestoneSlug | null;
	publishedAt: Date;
}

/**
 * The listing of a published story: the one place that derives what a list shows (summary,
 * reading minutes) from its text. Pure, so the benchmark's seeder derives it off the main
 * thread exactly as publishing does.
 */
export function listingOf(story: ListableStory): CommunityListing {
	return {
		slug: story.slug,
		title: story.title,
		penName: story.penName,
		summary: plainTextExcerpt(story.body, SUMMARY_LENGTH),
		readingMinutes: readingMinutes(story.body),
		topics: story.topics,
		contentWarnings: story.contentWarnings,
		milestone: story.milestone,
		publishedAt: story.publishedAt,
	};
}

/** Deletes the listing of `slug` (its topic rows and counts follow by trigger); returns it. */
export async function unlistStory(scope: Scope, slug: string): Promise<CommunityListing | null> {
	const { communityListings } = scope.tables;
	const [listing] = await scope.query
		.delete(communityListings)
		.where(eq(communityListings.slug, slug))
		.returning();
	return listing ?? null;
}

/** The listing of one story, or `null` when it is not listed. */
export async function findListing(slug: string, store: Store = getStore()) {
	return store.read(async ({ query, tables: { communityListings } }) => {
		const [listing] = await query
			.select()
			.from(communityListings)
			.where(eq(communityListings.slug, slug))
			.limit(1);
		return listing ?? null;
	});
}

/** Listed community stories matching `filters`, from the counters the triggers keep. */
export async function countListings(
	filters: CommunityFilters,
	store: Store = getStore(),
): Promise<number> {
	return store.read(async ({ query, tables: { communityListingCounts } }) => {
		const [row] = await query
			.select({ count: communityListingCounts.count })
			.from(communityListingCounts)
			.where(
				and(
					eq(communityListingCounts.topic, filters.topic ?? ''),
					eq(communityListingCounts.milestone, filters.milestone ?? ''),
				),
			)
			.limit(1);
		return row?.count ?? 0;
	});
}

/** Listed community stories per topic (topics without any are left out). */
export async function countListingsByTopic(
	store: Store = getStore(),
): Promise<Map<TopicSlug, number>> {
	const rows = await store.read(({ query, tables: { communityListingCounts } }) =>
		query
			.select({ topic: communityListingCounts.topic, count: communityListingCounts.count })
			.from(communityListingCounts)
			.where(and(gt(communityListingCounts.topic, ''), eq(communityListingCounts.milestone, ''))),
	);
	return new Map(rows.map((row) => [row.topic as TopicSlug, row.count]));
}

/**
 * The slugs of one window of a list, newest first. With a topic it reads the topic rows,
 * otherwise the listings; either way an index range, so skipping `offset` rows reads index
 * entries only, never a story.
 */
async function slugWindow(
	{ query, tables }: Scope,
	filters: CommunityFilters,
	where: (table: ListTable) => SQL | undefined,
	order: 'newest' | 'oldest',
	offset: number,
	limit: number,
): Promise<string[]> {
	const { communityListingTopics } = tables;
	const table = filters.topic ? communityListingTopics : tables.communityListings;
	const direction = order === 'newest' ? desc : asc;
	const rows = await query
		.select({ slug: table.slug })
		.from(table)
		.where(
			and(
				filters.topic ? eq(communityListingTopics.topic, filters.topic) : undefined,
				filters.milestone ? eq(table.milestone, filters.milestone) : undefined,
				where(table),
			),
		)
		.orderBy(direction(table.publishedAt), direction(table.slug))
		.limit(limit)
		.offset(offset);
	return rows.map((row) => row.slug);
}

/** The listings of `slugs`, in the order given. */
async function listingsOf(
	{ query, tables: { communityListings } }: Scope,
	slugs: readonly string[],
): Promise<CommunityListing[]> {
	if (slugs.length === 0) return [];
	const rows = await query
		.select()
		.from(communityListings)
		.where(inArray(communityListings.slug, [...slugs]));
	const bySlug = new Map(rows.map((row) => [row.slug, row]));
	return slugs.flatMap((slug) => bySlug.get(slug) ?? []);
}

/** `limit` listings from position `offset` of the newest-first list narrowed by `filters`. */
export async function listingsPage(
	filters: CommunityFilters,
	offset: number,
	limit: number,
	store: Store = getStore(),
): Promise<CommunityListing[]> {
	return store.read(async (scope) =>
		listingsOf(scope, await slugWindow(scope, filters, () => undefined, 'newest', offset, limit)),
	);
}

type ListTable = typeof communityListings | typeof communityListingTopics;

/** Rows listed after `at` (older) or before it (newer), in the lists' order. */
function listedBeside(table: ListTable, at: ListPosition, side: 'older' | 'newer') {
	const beyond = side === 'older' ? lt : gt;
	return or(
		beyond(table.publishedAt, at.publishedAt),
		and(eq(table.publishedAt, at.publishedAt), beyond(table.slug, at.slug)),
	);
}

/** Up to `limit` stories on `topic` listed right after `at` (older), nearest first. */
export async function listingsOlderThan(
	topic: TopicSlug,
	at: ListPosition,
	limit: number,
	store: Store = getStore(),
): Promise<CommunityListing[]> {
	const where = (table: ListTable) => listedBeside(table, at, 'older');
	const filters = { topic, milestone: null };
	return store.read(async (scope) =>
		listingsOf(scope, await slugWindow(scope, filters, where, 'newest', 0, limit)),
	);
}

/** The slugs of up to `limit` stories on `topic` listed right before `at` (newer), nearest first. */
export async function slugsNewerThan(
	topic: TopicSlug,
	at: ListPosition,
	limit: number,
	{ query, tables: { communityListingTopics } }: Scope,
): Promise<string[]> {
	const rows = await query
		.select({ slug: communityListingTopics.slug })
		.from(communityListingTopics)
		.where(
			and(
				eq(communityListingTopics.topic, topic),
				listedBeside(communityListingTopics, at, 'newer'),
			),
		)
		.orderBy(asc(communityListingTopics.publishedAt), asc(communityListingTopics.slug))
		.limit(limit);
	return rows.map((row) => row.slug);
}

/** One slice of every listed story, oldest first (a sitemap page: new stories go last). */
export async function listedSlugsOldestFirst(
	offset: number,
	limit: number,
	store: Store = getStore(),
): Promise<{ slug: string; publishedAt: Date }[]> {
	// Both columns are in the index: the rows come straight from it, in its order.
	return store.read(({ query, tables: { communityListings } }) =>
		query
			.select({ slug: communityListings.slug, publishedAt: communityListings.publishedAt })
			.from(communityListings)
			.orderBy(asc(communityListings.publishedAt), asc(communityListings.slug))
			.limit(limit)
			.offset(offset),
	);
}
