import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import {
	findCommunityStory,
	listCommunityStories,
} from '../../src/lib/server/community-stories.ts';
import { getModerationQueue } from '../../src/lib/server/moderation.ts';
import { getQueueCounts } from '../../src/lib/server/queue-counts.ts';
import { pageGenerationReader } from '../../src/lib/server/page-generations.ts';
import { readReactionCounts } from '../../src/lib/server/reactions.ts';
import { purgeDeclinedStories } from '../../src/lib/server/retention.ts';
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
		temp.database,
	));
});
afterAll(() => temp.remove());

/** Runs `work` and returns every SELECT it sent to SQLite, as SQLite's query plan. */
async function plansOf(
	work: (database: Database) => unknown,
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
			.filter((sql) => /^\s*select/i.test(sql))
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
		['the published list', (database: Database) => listCommunityStories(database)],
		[
			'a story by its address',
			(database: Database) => findCommunityStory('shared-abcdefgh', database),
		],
		['reaction counts', (database: Database) => readReactionCounts('shared-abcdefgh', database)],
		[
			'the page cache generation',
			(database: Database) => pageGenerationReader(database)('/stories'),
		],
		['a receipt look-up', (database: Database) => findStoryByReceipt(receiptCode, database)],
		['the moderation queue', (database: Database) => getModerationQueue('waiting', 1, database)],
		['the Reported tab', (database: Database) => getModerationQueue('reported', 1, database)],
		['the queue counts and review promise', (database: Database) => getQueueCounts(database)],
		[
			'the daily purge of declined stories',
			(database: Database) => purgeDeclinedStories(30, database),
		],
	])('%s', async (_name, work) => {
		const plans = await plansOf(work);
		expect(plans.length).toBeGreaterThan(0);
		for (const { sql, plan } of plans) {
			expect(plan, sql).not.toMatch(
				/\bSCAN (submissions|reaction_counts|page_generations|submission_receipts)\b(?! USING)/,
			);
		}
	});
});
