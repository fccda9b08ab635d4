import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgresStore, postgresOf, type Store } from '../../db/store.ts';
import { forgetEarlierDays } from '../../src/lib/server/daily-marks.ts';
import { addReaction } from '../../src/lib/server/reactions.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { SharedRateLimiter } from '../../src/lib/server/shared-rate-limiter.ts';
import { addModeratorRow, publishThroughDomain } from '../helpers/domain-stories.ts';
import { useTestStores } from '../helpers/stores.ts';

/**
 * What readers do once a day, and the rate limits, hold across app servers on one
 * PostgreSQL database: each test runs two stores on it, as two servers would.
 */
const testStores = useTestStores();

async function twoServers(): Promise<[Store, Store]> {
	const url = await testStores.cluster.createMigratedDatabase();
	return [
		testStores.closeAfterTest(openPostgresStore(url)),
		testStores.closeAfterTest(openPostgresStore(url)),
	];
}

/** A published story, as a moderator publishes one. */
async function publishedStory(store: Store): Promise<string> {
	const draft = {
		title: 'Ninety days',
		body: 'I counted the days on the fridge calendar. '.repeat(8),
		penName: null,
		topics: ['alcohol' as const],
		contentWarnings: [],
	};
	return publishThroughDomain(store, draft, await addModeratorRow(store));
}

const markRows = (store: Store) =>
	store.read(({ query, tables }) => query.select().from(tables.dailyMarks));

describe('on two app servers sharing PostgreSQL', () => {
	it('counts a reader’s reaction once a day, whichever server hears it, even sent to both at once', async () => {
		const [one, two] = await twoServers();
		const slug = await publishedStory(one);
		const now = new Date('2026-12-03T12:00:00Z');

		const [first, second] = await Promise.all([
			addReaction(slug, 'helped', 'reader-a', one, now),
			addReaction(slug, 'helped', 'reader-a', two, now),
		]);
		expect([first.counted, second.counted].sort()).toEqual([false, true]);
		expect((await addReaction(slug, 'helped', 'reader-b', two, now)).counts.helped).toBe(2);
		// The next day the same reader counts again.
		const tomorrow = new Date('2026-12-04T12:00:00Z');
		expect((await addReaction(slug, 'helped', 'reader-a', one, tomorrow)).counted).toBe(true);
	});

	it('hides a story when enough distinct readers report it across servers, a repeat counting once', async () => {
		const [one, two] = await twoServers();
		const slug = await publishedStory(one);
		const now = new Date('2026-12-03T12:00:00Z');

		expect(await reportStory(slug, 'spam', null, 'reader-a', one, 2, now)).toEqual({
			outcome: 'received',
			hidden: false,
		});
		expect(await reportStory(slug, 'spam', null, 'reader-a', two, 2, now)).toEqual({
			outcome: 'already-reported',
			hidden: false,
		});
		expect(await reportStory(slug, 'spam', null, 'reader-b', two, 2, now)).toEqual({
			outcome: 'received',
			hidden: true,
		});
	});

	it('keeps no reader key in the marks, and deletes a day’s marks once it has ended', async () => {
		const [one] = await twoServers();
		const slug = await publishedStory(one);
		await addReaction(slug, 'strength', 'reader-key-a', one, new Date('2026-12-02T23:00:00Z'));
		await addReaction(slug, 'strength', 'reader-key-b', one, new Date('2026-12-03T01:00:00Z'));

		const rows = await markRows(one);
		expect(JSON.stringify(rows)).not.toContain('reader-key');
		// The first mark of a new day took the earlier day's marks with it.
		expect(rows.map((row) => row.day)).toEqual(['2026-12-03']);
		await forgetEarlierDays(one, new Date('2026-12-04T00:00:01Z'));
		expect(await markRows(one)).toEqual([]);
	});

	it('stores only the clock hour a window began, never the moment of the request', async () => {
		const [one] = await twoServers();
		const moment = Date.parse('2026-12-03T12:34:56.789Z');
		const limiter = new SharedRateLimiter({
			name: 'test',
			limit: 5,
			windowMs: 3_600_000,
			store: () => one,
			now: () => moment,
		});
		expect((await limiter.take('address-key')).retryAt).toEqual(new Date('2026-12-03T13:00:00Z'));
		const { rows } = await one.read((scope) =>
			postgresOf(scope).execute<{ startedAt: string }>(
				sql`SELECT started_at AS "startedAt" FROM rate_limit_windows`,
			),
		);
		expect(rows.map((row) => Number(row.startedAt))).toEqual([Date.parse('2026-12-03T12:00:00Z')]);
	});

	it('holds a rate limit across servers, opens it again when the window ends, and deletes ended windows', async () => {
		const [one, two] = await twoServers();
		let now = Date.parse('2026-12-03T12:00:00Z');
		const limiterOn = (store: Store) =>
			new SharedRateLimiter({
				name: 'test',
				limit: 3,
				windowMs: 60_000,
				store: () => store,
				now: () => now,
			});
		const [onOne, onTwo] = [limiterOn(one), limiterOn(two)];

		const decisions = await Promise.all(
			[onOne, onTwo, onOne, onTwo].map((limiter) => limiter.take('address-key')),
		);
		expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
		expect((await onTwo.take('another-address')).allowed).toBe(true);
		expect(decisions.find((decision) => !decision.allowed)!.retryAt).toEqual(
			new Date(now + 60_000),
		);

		now += 60_000;
		expect((await onOne.take('address-key')).allowed).toBe(true);
		now += 120_000;
		await onTwo.take('a-third-address');
		const { rows } = await two.read((scope) =>
			postgresOf(scope).execute(sql`SELECT key FROM rate_limit_windows ORDER BY key`),
		);
		expect(rows).toEqual([{ key: 'a-third-address' }]);
	});
});
