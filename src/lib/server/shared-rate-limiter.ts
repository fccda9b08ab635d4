import { sql } from 'drizzle-orm';
import { rateLimitWindows } from '../../../db/schema-pg.ts';
import { postgresOf, selectRows, type Store } from '../../../db/store.ts';
import type { RateLimitDecision } from '../rate-limiter.ts';
import { periodStartOf, slidingWindowDecision } from '../sliding-window.ts';
import { LONGEST_LIMIT_PERIOD_MS } from './ended-limit-rows.ts';
import {
	KEPT_COUNTS,
	countsOfRow,
	rolledOverCounts,
	type KeptCountsRow,
} from './kept-period-counts.ts';
import { isStorageFailure } from './storage-failure.ts';

/**
 * A rate limit held in PostgreSQL, so that it holds whichever app server a request reaches.
 * One row per limit and daily address key (address-key.ts) keeps the counts of the current
 * whole clock period and of the one before it (sliding-window.ts: the earlier one counts in
 * part, so a limit used up just before a period ends is not all there again just after).
 * Rows whose periods have both ended are deleted: by the limit as it is used, and on a quiet
 * site by the sweep of ended-limit-rows.ts.
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
		// The sweep of ended rows (ended-limit-rows.ts) relies on this.
		if (LONGEST_LIMIT_PERIOD_MS % options.windowMs !== 0) {
			throw new Error(`A shared limit's period must divide the hour, not ${options.windowMs} ms.`);
		}
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
		const periodMs = this.#windowMs;
		// Periods are whole clock ones (12:00–13:00 for an hour), never begun at a request: a
		// start kept in the database must not record when a writer or reader acted.
		const periodStart = periodStartOf(now, periodMs);
		const { previous, current } = rolledOverCounts(periodStart, periodMs);
		// One statement, atomic by itself (the row is locked while it changes), which counts the
		// event only if it fits: slidingWindowDecision's test, in whole numbers. A refusal
		// changes nothing (the row stays as it was), so retrying costs a writer nothing. It
		// needs no transaction: a SERIALIZABLE one would fail concurrent takes of the site-wide
		// row, where this lets them wait their turn. Its commit does not wait for the disk
		// (synchronous_commit off, for this statement only): a count lost in a crash costs
		// nothing, and the site-wide row, which every story updates, would otherwise take one
		// story per disk flush.
		const taken = await this.#store().read(async (scope) => {
			const { rows } = await postgresOf(scope).execute(sql`
				INSERT INTO ${rateLimitWindows} (name, key, started_at, count, previous_count)
				SELECT ${this.#name}, ${key}, ${periodStart}::bigint, 1, 0
				FROM (SELECT set_config('synchronous_commit', 'off', true)) AS without_waiting_for_disk
				WHERE ${this.#limit}::integer >= 1
				ON CONFLICT (name, key) DO UPDATE SET
					started_at = excluded.started_at,
					previous_count = ${previous},
					count = ${current} + 1
				WHERE (${previous}) * ${periodStart + periodMs - now}::bigint
					+ (${current} + 1) * ${periodMs}::bigint <= ${this.#limit * periodMs}::bigint
				RETURNING 1`);
			return rows.length > 0;
		});
		if (now >= this.#nextCleanupAt) await this.#deleteEnded(periodStart);
		if (taken) return { allowed: true, retryAt: new Date(periodStart + periodMs) };
		const [row] = await this.#store().read((scope) =>
			selectRows<KeptCountsRow>(
				scope,
				sql`SELECT ${KEPT_COUNTS} FROM ${rateLimitWindows} WHERE name = ${this.#name} AND key = ${key}`,
			),
		);
		const decision = slidingWindowDecision(countsOfRow(row, now, periodMs), {
			limit: this.#limit,
			periodMs,
			now,
		});
		// Another server's event between the two statements may have rolled the row on; the
		// refusal stands, and may be retried at once.
		return decision.allowed ? { allowed: false, retryAt: new Date(now) } : decision;
	}

	/** A row whose two periods have both ended counts nothing: deleted at most once a minute. */
	async #deleteEnded(periodStart: number): Promise<void> {
		this.#nextCleanupAt = this.#now() + 60_000;
		await this.#store().read((scope) =>
			postgresOf(scope).execute(sql`
				DELETE FROM ${rateLimitWindows}
				WHERE name = ${this.#name} AND started_at < ${periodStart - this.#windowMs}::bigint`),
		);
	}
}
