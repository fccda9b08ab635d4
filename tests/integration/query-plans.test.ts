import { sqliteStore } from '../../db/store.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { findCommunityStory } from '../../src/lib/server/community-stories.ts';
import {
	countListings,
	countListingsByTopic,
	listedSlugsOldestFirst,
	listingsOlderThan,
	listingsPage,
	slugsNewerThan,
} from '../../src/lib/server/community-listings.ts';
import { getModerationQueue } from '../../src/lib/server/moderation/queue.ts';
import { getQueueCounts } from '../../src/lib/server/queue-counts.ts';
import { pageGenerationReader } from '../../src/lib/server/page-generations.ts';
import { readReactionCounts } from '../../src/lib/server/reactions.ts';
import { purgeDeclinedStories } from '../../src/lib/server/retention.ts';
import {
	indexForSearchSqlite,
	refreshCuratedSearchSqlite,
	SEARCH_RESULT_CAP,
	searchPublishedSqlite,
	type SearchDocument,
} from '../../src/lib/server/search.ts';
import { findStoryByReceipt, receiveStory } from '../../src/lib/server/submissions.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

let temp: TempDatabase;
let receiptCode: string;
beforeAll(async () => {
	temp = createTempDatabase();
	({ receiptCode } = await receiveStory(
		{
			title: 'A story',
			body: 'Words about a long year. '.repeat(20),
			penName: null,
			topics: ['alcohol'],
			contentWarnings: [],
		},
		sqliteStore(temp.database),
	));
});
afterAll(() => temp.remove());

/**
 * Runs `work` and returns every statement it sent to SQLite that `statements` matches
 * (SELECTs by default), as SQLite's query plan.
 */
async function plansOf(
	work: (database: Database) => unknown,
	statements = /^\s*select/i,
): Promise<{ sql: string; plan: string }[]> {
	// A handle of its own, so statements an earlier test prepared (and kept) are prepared again.
	const database = openDatabase(temp.path);
	const client = database.$client;
	const sent = new Set<string>();
	const prepare = client.prepare.bind(client);
	client.prepare = (source: string) => {
		sent.add(source);
		return prepare(source);
	};
	try {
		await work(database);
	} finally {
		client.prepare = prepare;
	}
	try {
		return [...sent]
			.filter((sql) => statements.test(sql))
			.map((sql) => {
				const unbound = Array.from(sql.matchAll(/\?/g), () => null);
				const rows = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...unbound) as { detail: string }[];
				return { sql, plan: rows.map((row) => row.detail).join(' | ') };
			});
	} finally {
		client.close();
	}
}

// The queries every reader or writer request can run; a full scan of submissions in any of
// them would grow with the library (measured at 10,000 and 100,000 stories by `npm run bench`).
describe('hot queries use an index, never a scan of a growing table', () => {
	it.each([
		[
			'the published list',
			(database: Database) => listingsPage(EVERY_STORY, 0, 12, sqliteStore(database)),
		],
		[
			'a story by its address',
			(database: Database) => findCommunityStory('shared-abcdefgh', sqliteStore(database)),
		],
		[
			'reaction counts',
			(database: Database) => readReactionCounts('shared-abcdefgh', sqliteStore(database)),
		],
		[
			'the page cache generation',
			(database: Database) => pageGenerationReader(database)('/stories'),
		],
		[
			'a receipt look-up',
			(database: Database) => findStoryByReceipt(receiptCode, sqliteStore(database)),
		],
		[
			'the moderation queue',
			(database: Database) => getModerationQueue('waiting', 1, sqliteStore(database)),
		],
		[
			'the Reported tab',
			(database: Database) => getModerationQueue('reported', 1, sqliteStore(database)),
		],
		[
			'the queue counts and review promise',
			(database: Database) => getQueueCounts(sqliteStore(database)),
		],
		[
			'the daily purge of declined stories',
			(database: Database) => purgeDeclinedStories(30, sqliteStore(database)),
		],
	])('%s', async (_name, work) => {
		const plans = await plansOf(work);
		expect(plans.length).toBeGreaterThan(0);
		for (const { sql, plan } of plans) {
			expect(plan, sql).not.toMatch(
				/\bSCAN (submissions|reaction_counts|page_generations|submission_receipts|community_listing\w*)\b(?! USING)/,
			);
		}
	});
});

const EVERY_STORY = { topic: null, milestone: null };
const AT = { publishedAt: new Date('2026-01-01T00:00:00Z'), slug: 'shared-abcdefgh' };

// A list page reads an index range in the list's own order: no sort of every match (a
// temporary B-tree), no scan, whatever the page; the counts come from counters.
describe('list queries read one index range, in order, at any depth', () => {
	it.each([
		[
			'every story, a deep page',
			(database: Database) => listingsPage(EVERY_STORY, 60_000, 12, sqliteStore(database)),
		],
		[
			'a topic, a deep page',
			(database: Database) =>
				listingsPage({ topic: 'alcohol', milestone: null }, 60_000, 12, sqliteStore(database)),
		],
		[
			'a milestone, a deep page',
			(database: Database) =>
				listingsPage({ topic: null, milestone: 'first-year' }, 60_000, 12, sqliteStore(database)),
		],
		[
			'a topic and a milestone',
			(database: Database) =>
				listingsPage(
					{ topic: 'alcohol', milestone: 'first-year' },
					60_000,
					12,
					sqliteStore(database),
				),
		],
		[
			'the count of a list',
			(database: Database) => countListings(EVERY_STORY, sqliteStore(database)),
		],
		['the counts by topic', (database: Database) => countListingsByTopic(sqliteStore(database))],
		[
			'related reading',
			(database: Database) => listingsOlderThan('alcohol', AT, 6, sqliteStore(database)),
		],
		[
			'pages related to a change',
			(database: Database) =>
				sqliteStore(database).read((scope) => slugsNewerThan('alcohol', AT, 6, scope)),
		],
		[
			'a sitemap file',
			(database: Database) => listedSlugsOldestFirst(50_000, 50_000, sqliteStore(database)),
		],
	])('%s', async (_name, work) => {
		const plans = await plansOf(work);
		expect(plans.length).toBeGreaterThan(0);
		for (const { sql, plan } of plans) {
			expect(plan, sql).not.toMatch(/\bSCAN community_listing\w*\b(?! USING)|TEMP B-TREE/);
		}
	});
});

// Search at any library size: FTS5 counts matches up to the cap and, past it, reads them
// newest first and stops after the page (the ORDER BY is its own, no sort of every match);
// removing or refreshing a piece finds its row by key. A full scan of the index shows as an empty FTS5 index string ("INDEX 0:").
describe('search reads what a page needs, never the whole index', () => {
	const curated: SearchDocument = {
		path: '/strategies/a-long-year',
		kind: 'editorial',
		topics: ['alcohol'],
		title: 'A long year',
		summary: 'Words about a long year.',
		body: 'Words about a long year. '.repeat(20),
		publishedAt: new Date('2024-01-01'),
	};
	beforeAll(() => {
		indexForSearchSqlite(temp.database, {
			...curated,
			path: '/stories/shared-abcdefgh',
			kind: 'community',
		});
		// More pieces with "lantern" than a search ranks: those are shown newest first.
		temp.database.transaction((transaction) => {
			for (let index = 0; index <= SEARCH_RESULT_CAP; index += 1)
				indexForSearchSqlite(transaction, {
					...curated,
					path: `/stories/lantern-${index}`,
					kind: 'community',
					title: 'A lantern',
				});
		});
	});

	it.each([
		[
			'a search',
			(database: Database) => searchPublishedSqlite({ query: 'long year', page: 1 }, database),
		],
		[
			'a search narrowed by kind and topic',
			(database: Database) =>
				searchPublishedSqlite(
					{ query: 'long', kind: 'community', topic: 'alcohol', page: 1 },
					database,
				),
		],
		[
			'a search with more matches than it ranks',
			(database: Database) => searchPublishedSqlite({ query: 'lantern', page: 3 }, database),
		],
		[
			'the refresh of the curated pieces at start',
			(database: Database) => refreshCuratedSearchSqlite([curated], database),
		],
	])('%s', async (_name, work) => {
		const plans = await plansOf(work, /^\s*(select|delete)/i);
		expect(plans.length).toBeGreaterThan(0);
		for (const { sql, plan } of plans) {
			expect(plan, sql).not.toMatch(/SCAN search_index VIRTUAL TABLE INDEX \d+:(?= |$)/);
			expect(plan, sql).not.toMatch(/\bSCAN (search_rows|submissions)\b(?! USING)/);
			// Ranking sorts, and only ever at most SEARCH_RESULT_CAP matches (counted first).
			if (!/ORDER BY bm25/.test(sql)) expect(plan, sql).not.toMatch(/TEMP B-TREE/);
		}
	});
});
