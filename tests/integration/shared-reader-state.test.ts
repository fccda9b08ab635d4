import { afterEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgresStore, postgresOf, selectRows, type Store } from '../../db/store.ts';
import { forgetEarlierDays } from '../../src/lib/server/daily-marks.ts';
import {
	deleteEndedLimitRows,
	startDeletingEndedLimitRows,
} from '../../src/lib/server/ended-limit-rows.ts';
import { addReaction } from '../../src/lib/server/reactions.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { SharedRateLimiter } from '../../src/lib/server/shared-rate-limiter.ts';
import { SharedSignInThrottle } from '../../src/lib/server/shared-sign-in-throttle.ts';
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

/** One limit, named 'test', as each of two servers holds it, on a clock the test moves. */
function limitersOnTwoServers(
	stores: [Store, Store],
	limit: { limit: number; windowMs: number; now: () => number },
): [SharedRateLimiter, SharedRateLimiter] {
	const on = (store: Store) =>
		new SharedRateLimiter({ name: 'test', ...limit, store: () => store });
	return [on(stores[0]), on(stores[1])];
}

/** One take of an hourly limit of 5 at `time`, as a request would make. */
async function takeOnceAt(store: Store, name: string, time: string): Promise<void> {
	await new SharedRateLimiter({
		name,
		limit: 5,
		windowMs: 3_600_000,
		store: () => store,
		now: () => Date.parse(time),
	}).take('address-key');
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

	it('holds a rate limit across servers, opens it again as the window slides on, and deletes ended windows', async () => {
		const [one, two] = await twoServers();
		let now = Date.parse('2026-12-03T12:00:00Z');
		const [onOne, onTwo] = limitersOnTwoServers([one, two], {
			limit: 3,
			windowMs: 60_000,
			now: () => now,
		});

		const decisions = await Promise.all(
			[onOne, onTwo, onOne, onTwo].map((limiter) => limiter.take('address-key')),
		);
		expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
		expect((await onTwo.take('another-address')).allowed).toBe(true);
		// The three count in full as the next minute begins, two thirds of them 20 seconds in.
		expect(decisions.find((decision) => !decision.allowed)!.retryAt).toEqual(
			new Date('2026-12-03T12:01:20Z'),
		);

		now += 60_000;
		expect((await onOne.take('address-key')).allowed).toBe(false);
		now += 20_000;
		expect((await onOne.take('address-key')).allowed).toBe(true);
		now += 100_000;
		await onTwo.take('a-third-address');
		const { rows } = await two.read((scope) =>
			postgresOf(scope).execute(sql`SELECT key FROM rate_limit_windows ORDER BY key`),
		);
		expect(rows).toEqual([{ key: 'a-third-address' }]);
	});

	it('does not let a limit used up just before the hour ends be used again just after it', async () => {
		let now = Date.parse('2026-12-03T12:59:50Z');
		const [onOne, onTwo] = limitersOnTwoServers(await twoServers(), {
			limit: 5,
			windowMs: 3_600_000,
			now: () => now,
		});
		for (let take = 0; take < 5; take++)
			expect((await (take % 2 ? onTwo : onOne).take('address-key')).allowed).toBe(true);

		now = Date.parse('2026-12-03T13:00:05Z');
		const refused = await onTwo.take('address-key');
		expect(refused.allowed).toBe(false);
		// The five count in full as 13:00 begins, four fifths of them 12 minutes in.
		expect(refused.retryAt).toEqual(new Date('2026-12-03T13:12:00Z'));
		// Being refused costs nothing: a writer who retries is not pushed further back.
		now = Date.parse('2026-12-03T13:11:59Z');
		expect((await onOne.take('address-key')).allowed).toBe(false);
		now = Date.parse('2026-12-03T13:12:00Z');
		expect((await onOne.take('address-key')).allowed).toBe(true);
		const again = await onTwo.take('address-key');
		expect(again.allowed).toBe(false);
		expect(again.retryAt).toEqual(new Date('2026-12-03T13:24:00Z'));
	});
});

describe('moderator sign-in limits on two app servers sharing PostgreSQL', () => {
	const MINUTE = 60_000;
	/** Two servers' throttles on one clock, starting inside a quarter hour. */
	function throttlesOnOneClock() {
		let now = Date.UTC(2026, 11, 3, 12, 1);
		const clock = { now: () => now, advance: (ms: number) => (now += ms) };
		return { clock, one: new SharedSignInThrottle(clock), two: new SharedSignInThrottle(clock) };
	}
	/** A wrong password, as sign-in.ts counts one after an allowed check. */
	async function fail(throttle: SharedSignInThrottle, address: string, store: Store) {
		const decision = await throttle.beginAttempt('sam', address, store);
		if (decision.allowed) await throttle.recordFailure('sam', address, store);
		return decision.allowed;
	}

	it('stops an address after 5 wrong passwords for a name on either server, until they slide out of its last quarter hour', async () => {
		const [storeOne, storeTwo] = await twoServers();
		const { clock, one, two } = throttlesOnOneClock();
		const answers = [];
		for (let attempt = 0; attempt < 6; attempt++)
			answers.push(
				await fail(attempt % 2 ? two : one, 'address-x', attempt % 2 ? storeTwo : storeOne),
			);
		expect(answers).toEqual([true, true, true, true, true, false]);
		const refused = await one.beginAttempt('sam', 'address-x', storeOne);
		// The five count in full as 12:15 begins, four fifths of them 3 minutes in.
		expect(refused.retryAt.toISOString()).toBe('2026-12-03T12:18:00.000Z');
		// The owner, elsewhere, is not stopped.
		expect((await two.beginAttempt('sam', 'address-y', storeTwo)).allowed).toBe(true);
		clock.advance(16 * MINUTE);
		expect((await two.beginAttempt('sam', 'address-x', storeTwo)).allowed).toBe(false);
		clock.advance(MINUTE);
		expect((await two.beginAttempt('sam', 'address-x', storeTwo)).allowed).toBe(true);
	});

	it('does not let 5 wrong passwords just before a quarter hour ends be followed by 5 more just after', async () => {
		const [storeOne, storeTwo] = await twoServers();
		const { clock, one, two } = throttlesOnOneClock();
		clock.advance(13 * MINUTE + 50_000);
		for (let attempt = 0; attempt < 5; attempt++)
			expect(
				await fail(attempt % 2 ? two : one, 'address-x', attempt % 2 ? storeTwo : storeOne),
			).toBe(true);
		clock.advance(15_000);
		const refused = await two.beginAttempt('sam', 'address-x', storeTwo);
		expect(refused.allowed).toBe(false);
		expect(refused.retryAt.toISOString()).toBe('2026-12-03T12:18:00.000Z');
		clock.advance(refused.retryAt.getTime() - clock.now());
		expect(await fail(one, 'address-x', storeOne)).toBe(true);
		expect((await two.beginAttempt('sam', 'address-x', storeTwo)).allowed).toBe(false);
	});

	it('clears an address’s failures for a name when its right password is given on the other server', async () => {
		const [storeOne, storeTwo] = await twoServers();
		const { one, two } = throttlesOnOneClock();
		for (let attempt = 0; attempt < 4; attempt++) await fail(one, 'address-x', storeOne);
		await two.recordSuccess('sam', 'address-x', storeTwo);
		for (let attempt = 0; attempt < 5; attempt++)
			expect(await fail(one, 'address-x', storeOne)).toBe(true);
	});

	it('paces a name guessed from many addresses with one check at a time across both servers', async () => {
		const [storeOne, storeTwo] = await twoServers();
		const { clock, one, two } = throttlesOnOneClock();
		for (let bot = 0; bot < 10; bot++)
			expect(await fail(bot % 2 ? two : one, `bot-${bot}`, bot % 2 ? storeTwo : storeOne)).toBe(
				true,
			);
		// Both servers asked at once: one check is allowed, the other waits for the next slot.
		const [first, second] = await Promise.all([
			one.beginAttempt('sam', 'bot-a', storeOne),
			two.beginAttempt('sam', 'bot-b', storeTwo),
		]);
		expect([first.allowed, second.allowed].sort()).toEqual([false, true]);
		const slot = first.allowed ? first : second;
		const waiting = first.allowed ? second : first;
		expect(waiting.retryAt).toEqual(slot.retryAt);
		expect(slot.retryAt.getTime() % 1000).toBe(0);
		clock.advance(slot.retryAt.getTime() - clock.now());
		expect((await two.beginAttempt('sam', 'bot-b', storeTwo)).allowed).toBe(true);
	});

	it('keeps neither the name nor a moment of an attempt, and deletes counts once the quarter hour after theirs has ended', async () => {
		const [store] = await twoServers();
		const { clock, one } = throttlesOnOneClock();
		await fail(one, 'address-x', store);
		const windows = () =>
			store.read((scope) =>
				selectRows<{ name: string; key: string; startedAt: string }>(
					scope,
					sql`SELECT name, key, started_at AS "startedAt" FROM rate_limit_windows ORDER BY name`,
				),
			);
		const kept = await windows();
		expect(kept.map((row) => row.name)).toEqual([
			'sign-in-failures-by-account',
			'sign-in-failures-by-account-and-address',
			'sign-in-failures-by-address',
		]);
		for (const row of kept) {
			expect(row.key).not.toContain('sam');
			expect(row.startedAt).toBe(String(Date.UTC(2026, 11, 3, 12, 0)));
		}
		clock.advance(15 * MINUTE);
		await fail(one, 'address-y', store);
		// 12:00's failures still count in part through 12:15–12:30.
		expect((await windows()).filter((row) => row.key.includes('address-x'))).toHaveLength(2);
		clock.advance(15 * MINUTE);
		await fail(one, 'address-z', store);
		const later = await windows();
		expect(later.filter((row) => row.key.includes('address-x'))).toEqual([]);
		expect(
			later.map((row) => [row.key.includes('address-y'), Number(row.startedAt)]).sort(),
		).toEqual(
			[
				[true, Date.UTC(2026, 11, 3, 12, 15)],
				[true, Date.UTC(2026, 11, 3, 12, 15)],
				[false, Date.UTC(2026, 11, 3, 12, 30)],
				[false, Date.UTC(2026, 11, 3, 12, 30)],
				[false, Date.UTC(2026, 11, 3, 12, 30)],
			].sort(),
		);
	});

	it('deletes every limit’s ended rows on a quiet site, where no one comes back to that limit', async () => {
		const [store] = await twoServers();
		const { clock, one } = throttlesOnOneClock();
		clock.advance(30 * MINUTE); // 12:31
		for (let bot = 0; bot < 10; bot++) await fail(one, `bot-${bot}`, store);
		const paced = await one.beginAttempt('sam', 'bot-a', store);
		expect(paced.retryAt.toISOString()).toBe('2026-12-03T12:31:01.000Z');
		await takeOnceAt(store, 'submissions-by-address', '2026-12-03T12:34:56Z');
		const namesLeftAfterSweepAt = async (time: string) => {
			await deleteEndedLimitRows(store, Date.parse(time));
			const rows = await store.read((scope) =>
				selectRows<{ name: string }>(scope, sql`SELECT name FROM rate_limit_windows`),
			);
			return [...new Set(rows.map((row) => row.name))].sort();
		};
		const signInCounts = [
			'sign-in-failures-by-account',
			'sign-in-failures-by-account-and-address',
			'sign-in-failures-by-address',
		];
		expect(await namesLeftAfterSweepAt('2026-12-03T12:31:00.500Z')).toEqual(
			[...signInCounts, 'sign-in-next-check', 'submissions-by-address'].sort(),
		);
		expect(await namesLeftAfterSweepAt('2026-12-03T12:59:59.999Z')).toEqual(
			[...signInCounts, 'submissions-by-address'].sort(),
		);
		expect(await namesLeftAfterSweepAt('2026-12-03T13:00:00Z')).toEqual(['submissions-by-address']);
		expect(await namesLeftAfterSweepAt('2026-12-03T13:59:59.999Z')).toEqual([
			'submissions-by-address',
		]);
		expect(await namesLeftAfterSweepAt('2026-12-03T14:00:00Z')).toEqual([]);
	});

	describe('each server’s sweep', () => {
		afterEach(() => {
			vi.useRealTimers();
		});

		it('deletes a limit’s ended rows within a minute, with no request to set it off', async () => {
			const [store] = await twoServers();
			await takeOnceAt(store, 'previews-by-address', '2026-12-03T12:34:56Z');
			vi.useFakeTimers({ toFake: ['setInterval', 'Date'] });
			vi.setSystemTime(Date.parse('2026-12-03T14:00:00Z'));
			const stop = startDeletingEndedLimitRows(store);
			try {
				await vi.advanceTimersByTimeAsync(MINUTE);
				await expect
					.poll(() =>
						store.read((scope) => selectRows(scope, sql`SELECT name FROM rate_limit_windows`)),
					)
					.toEqual([]);
			} finally {
				stop();
			}
		});
	});
});
