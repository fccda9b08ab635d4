import { sql, type SQL } from 'drizzle-orm';
import { rateLimitWindows } from '../../../db/schema-pg.ts';
import { countsAt, type CountsNow } from '../sliding-window.ts';

/**
 * How a row of rate_limit_windows holds sliding-window.ts's counts, for every shared limit:
 * the columns to select, how to read them, and the roll-over an upsert applies.
 */
export const KEPT_COUNTS = sql`started_at AS "startedAt", count, previous_count AS "previousCount"`;

/** A row's counts as selected with KEPT_COUNTS (pg returns a bigint as a string). */
export interface KeptCountsRow {
	startedAt: string;
	count: number;
	previousCount: number;
}

/** A kept row (or none) read at `now`. */
export function countsOfRow(
	row: KeptCountsRow | undefined,
	now: number,
	periodMs: number,
): CountsNow {
	return countsAt(row && { ...row, startedAt: Number(row.startedAt) }, now, periodMs);
}

/**
 * countsAt's roll-over in SQL, for an upsert into the period that starts at `periodStart`:
 * the row's counts as they stand in that period, before this event is counted.
 */
export function rolledOverCounts(
	periodStart: number,
	periodMs: number,
): { previous: SQL; current: SQL } {
	const { startedAt, count, previousCount } = rateLimitWindows;
	return {
		previous: sql`CASE ${startedAt}
			WHEN ${periodStart}::bigint THEN ${previousCount}
			WHEN ${periodStart - periodMs}::bigint THEN ${count} ELSE 0 END`,
		current: sql`CASE ${startedAt} WHEN ${periodStart}::bigint THEN ${count} ELSE 0 END`,
	};
}
