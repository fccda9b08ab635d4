import { sql } from 'drizzle-orm';
import { rateLimitWindows } from '../../../db/schema-pg.ts';
import { postgresOf, type Store } from '../../../db/store.ts';
import type { RateLimitDecision } from '../rate-limiter.ts';
import { isStorageFailure } from './storage-failure.ts';

/**
 * A fixed-window rate limit held in PostgreSQL, so that it holds whichever app server a
 * request reaches. A window is one row per limit and daily address key (address-key.ts),
 * for one whole clock period, deleted once it has ended.
 */
export class SharedRateLimiter {
	readonly #name: string;
	readonly #limit: number;
	readonly #windowMs: number;
	readonly #store: () => Store;
	readonly #now: () => number;
	#nextCleanupAt = 0;

	constructor(options: {
		name: string;
		limit: number;
		windowMs: number;
		store: () => Store;
		now?: () => number;
	}) {
		this.#name = options.name;
		this.#limit = options.limit;
		this.#windowMs = options.windowMs;
		this.#store = options.store;
		this.#now = options.now ?? Date.now;
	}

	/**
	 * Counts one event for `key` if its window still has room, and says whether it may
	 * proceed. While PostgreSQL cannot be reached nothing can be counted, and the request goes
	 * on: what it would store fails by itself, with a 503 that keeps the writer's text, where
	 * refusing here would turn an outage into "too many requests".
	 */
	async take(key: string): Promise<RateLimitDecision> {
		try {
			return await this.#take(key);
		} catch (error) {
			if (!isStorageFailure(error)) throw error;
			return { allowed: true, retryAt: new Date(this.#now() + this.#windowMs) };
		}
	}

	async #take(key: string): Promise<RateLimitDecision> {
		const now = this.#now();
		// Windows are whole clock periods (12:00–13:00 for an hour), never begun at a request:
		// a start kept in the database must not record when a writer or reader acted.
		const windowStart = now - (now % this.#windowMs);
		// One statement, atomic by itself (the row is locked while it changes). It needs no
		// transaction: a SERIALIZABLE one would fail concurrent takes of the site-wide row,
		// where this lets them wait their turn. Its commit does not wait for the disk
		// (synchronous_commit off, for this statement only): a count lost in a crash costs
		// nothing, and the site-wide row, which every story updates, would otherwise take one
		// story per disk flush. The count stops at limit + 1: past the limit.
		const [window] = await this.#store().read(async (scope) => {
			const { rows } = await postgresOf(scope).execute<{ startedAt: string; count: number }>(sql`
				INSERT INTO ${rateLimitWindows} (name, key, started_at, count)
				SELECT ${this.#name}, ${key}, ${windowStart}::bigint, 1
				FROM (SELECT set_config('synchronous_commit', 'off', true)) AS without_waiting_for_disk
				ON CONFLICT (name, key) DO UPDATE SET
					started_at = excluded.started_at,
					count = CASE WHEN ${rateLimitWindows.startedAt} < excluded.started_at
						THEN 1 ELSE least(${rateLimitWindows.count} + 1, ${this.#limit + 1}::integer) END
				RETURNING started_at AS "startedAt", count`);
			return rows;
		});
		if (now >= this.#nextCleanupAt) await this.#deleteEnded(windowStart);
		return {
			allowed: window!.count <= this.#limit,
			retryAt: new Date(Number(window!.startedAt) + this.#windowMs),
		};
	}

	/** Windows that have ended hold nothing worth keeping: deleted at most once a minute. */
	async #deleteEnded(windowStart: number): Promise<void> {
		this.#nextCleanupAt = this.#now() + 60_000;
		await this.#store().read((scope) =>
			postgresOf(scope).execute(sql`
				DELETE FROM ${rateLimitWindows}
				WHERE name = ${this.#name} AND started_at < ${windowStart}::bigint`),
		);
	}
}
