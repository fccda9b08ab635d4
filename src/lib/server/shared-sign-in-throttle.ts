import { sql, type SQL } from 'drizzle-orm';
import { rateLimitWindows } from '../../../db/schema-pg.ts';
import { selectRows, type Store } from '../../../db/store.ts';
import type { RateLimitDecision } from '../rate-limiter.ts';
import { eventsWithinWindow, periodStartOf, slidingWindowDecision } from '../sliding-window.ts';
import {
	FIFTEEN_MINUTES,
	SIGN_IN_FAILURES_BEFORE_PACING,
	SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
	SIGN_IN_FAILURES_PER_ADDRESS,
	paceMs,
} from '../sign-in-throttle.ts';
import { addressKey } from './address-key.ts';
import {
	SIGN_IN_COUNTS,
	SIGN_IN_NEXT_CHECK as NEXT_CHECK,
	deleteEndedLimitRows,
} from './ended-limit-rows.ts';
import {
	KEPT_COUNTS,
	countsOfRow,
	rolledOverCounts,
	type KeptCountsRow,
} from './kept-period-counts.ts';

/** The rows this keeps in rate_limit_windows, by their `name`. */
const {
	byAccountAndAddress: BY_ACCOUNT_AND_ADDRESS,
	byAddress: BY_ADDRESS,
	byAccount: BY_ACCOUNT,
} = SIGN_IN_COUNTS;

/**
 * SignInThrottle's rules (sign-in-throttle.ts: the limits, and why a name is only ever
 * paced) kept in PostgreSQL, so that they hold whichever app server a sign-in reaches: five
 * wrong passwords for a name from an address, or twenty from it in all, stop that address
 * everywhere, and a paced name takes one check at a time across every server.
 *
 * Rows of rate_limit_windows, like the other shared limits: failures counted per whole
 * clock quarter hour, the one before counting in part (sliding-window.ts), deleted once the
 * quarter hour after theirs has ended; and a paced name's next check, to the second, deleted
 * once it has passed. They are keyed by the daily address key and by the same daily HMAC of
 * the name, never the name: a password typed into the wrong box must not reach the disk.
 */
export class SharedSignInThrottle {
	readonly #now: () => number;
	#nextCleanupAt = 0;

	constructor(options: { now?: () => number } = {}) {
		this.#now = options.now ?? Date.now;
	}

	/**
	 * Whether a password for `name` may be checked now for the address behind `addressId`.
	 * While the name is paced, an allowed check takes the next slot for every server at once.
	 */
	async beginAttempt(name: string, addressId: string, store: Store): Promise<RateLimitDecision> {
		const now = this.#now();
		const periodStart = periodStartOf(now, FIFTEEN_MINUTES);
		const account = accountKey(name);
		const kept = await run<KeptCountsRow & { name: string }>(
			store,
			sql`
				SELECT name, ${KEPT_COUNTS} FROM ${rateLimitWindows}
				WHERE started_at >= ${periodStart - FIFTEEN_MINUTES}::bigint AND (name, key) IN (
					(${BY_ACCOUNT_AND_ADDRESS}, ${pairKey(account, addressId)}),
					(${BY_ADDRESS}, ${addressId}),
					(${BY_ACCOUNT}, ${account})
				)`,
		);
		const failures = (limit: string) =>
			countsOfRow(
				kept.find((row) => row.name === limit),
				now,
				FIFTEEN_MINUTES,
			);
		for (const [counter, limit] of [
			[BY_ACCOUNT_AND_ADDRESS, SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS],
			[BY_ADDRESS, SIGN_IN_FAILURES_PER_ADDRESS],
		] as const) {
			const decision = slidingWindowDecision(failures(counter), {
				limit,
				periodMs: FIFTEEN_MINUTES,
				now,
			});
			if (!decision.allowed) return decision;
		}
		const accountFailures = Math.ceil(
			eventsWithinWindow(failures(BY_ACCOUNT), now, FIFTEEN_MINUTES),
		);
		if (accountFailures < SIGN_IN_FAILURES_BEFORE_PACING)
			return { allowed: true, retryAt: new Date(now) };
		// Paced: the check that moves the next-check moment on is the one allowed. Two servers
		// at once: the second waits for the first's row, finds it in the future, and is refused.
		const nextCheckAt = Math.ceil((now + paceMs(accountFailures)) / 1000) * 1000;
		const taken = await run(
			store,
			sql`
				INSERT INTO ${rateLimitWindows} (name, key, started_at, count)
				VALUES (${NEXT_CHECK}, ${account}, ${nextCheckAt}::bigint, 0)
				ON CONFLICT (name, key) DO UPDATE SET started_at = excluded.started_at
					WHERE ${rateLimitWindows.startedAt} <= ${now}::bigint
				RETURNING started_at`,
		);
		if (taken.length > 0) return { allowed: true, retryAt: new Date(nextCheckAt) };
		const [next] = await run<{ startedAt: string }>(
			store,
			sql`
				SELECT started_at AS "startedAt" FROM ${rateLimitWindows}
				WHERE name = ${NEXT_CHECK} AND key = ${account}`,
		);
		return { allowed: false, retryAt: new Date(Number(next?.startedAt ?? nextCheckAt)) };
	}

	/** Counts a wrong password (or an unknown name) against the pair, the address and the name. */
	async recordFailure(name: string, addressId: string, store: Store): Promise<void> {
		const now = this.#now();
		const periodStart = periodStartOf(now, FIFTEEN_MINUTES);
		const account = accountKey(name);
		const { previous, current } = rolledOverCounts(periodStart, FIFTEEN_MINUTES);
		await run(
			store,
			sql`
				INSERT INTO ${rateLimitWindows} (name, key, started_at, count) VALUES
					(${BY_ACCOUNT_AND_ADDRESS}, ${pairKey(account, addressId)}, ${periodStart}::bigint, 1),
					(${BY_ADDRESS}, ${addressId}, ${periodStart}::bigint, 1),
					(${BY_ACCOUNT}, ${account}, ${periodStart}::bigint, 1)
				ON CONFLICT (name, key) DO UPDATE SET
					started_at = excluded.started_at,
					previous_count = ${previous},
					count = ${current} + 1`,
		);
		if (now >= this.#nextCleanupAt) {
			this.#nextCleanupAt = now + 60_000;
			await deleteEndedLimitRows(store, now);
		}
	}

	/**
	 * A right password clears this address's failures for the name. The name's own count stays:
	 * the owner signing in must not reopen the door for someone guessing from elsewhere.
	 */
	async recordSuccess(name: string, addressId: string, store: Store): Promise<void> {
		await run(
			store,
			sql`
				DELETE FROM ${rateLimitWindows}
				WHERE name = ${BY_ACCOUNT_AND_ADDRESS} AND key = ${pairKey(accountKey(name), addressId)}`,
		);
	}
}

/** A name as the database may hold it: the daily HMAC that keys addresses, of the name. */
function accountKey(name: string): string {
	return addressKey(`moderator name ${name}`);
}

function pairKey(account: string, addressId: string): string {
	return `${addressId} ${account}`;
}

/** The rows of one statement, on the store's own connections. */
function run<Row>(store: Store, statement: SQL): Promise<Row[]> {
	return store.read((scope) => selectRows<Row>(scope, statement));
}
