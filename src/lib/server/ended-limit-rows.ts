import { sql } from 'drizzle-orm';
import { rateLimitWindows } from '../../../db/schema-pg.ts';
import { postgresOf, type Store } from '../../../db/store.ts';
import { periodStartOf } from '../sliding-window.ts';
import { FIFTEEN_MINUTES } from '../sign-in-throttle.ts';

const HOUR = 3_600_000;

/** Rows of rate_limit_windows that count wrong moderator passwords, by quarter hour. */
export const SIGN_IN_COUNTS = {
	byAccountAndAddress: 'sign-in-failures-by-account-and-address',
	byAddress: 'sign-in-failures-by-address',
	byAccount: 'sign-in-failures-by-account',
} as const;
/** A paced name's next check: its started_at is the second from which one may begin. */
export const SIGN_IN_NEXT_CHECK = 'sign-in-next-check';
/** Every other row is a SharedRateLimiter's, whose period divides the hour. */
export const LONGEST_LIMIT_PERIOD_MS = HOUR;

/**
 * Deletes every row of rate_limit_windows that counts nothing any more: counts whose period
 * and the one after it have both ended (sliding-window.ts), and next checks that have passed.
 * A row of a period shorter than the hour may stay until the hour after its own has ended.
 */
export async function deleteEndedLimitRows(store: Store, now: number): Promise<void> {
	const counts = Object.values(SIGN_IN_COUNTS);
	await store.read((scope) =>
		postgresOf(scope).execute(sql`
			DELETE FROM ${rateLimitWindows}
			WHERE CASE
				WHEN name = ${SIGN_IN_NEXT_CHECK} THEN started_at < ${now}::bigint
				WHEN name IN (${sql.join(
					counts.map((name) => sql`${name}`),
					sql`, `,
				)}) THEN started_at < ${periodStartOf(now, FIFTEEN_MINUTES) - FIFTEEN_MINUTES}::bigint
				ELSE started_at < ${periodStartOf(now, HOUR) - HOUR}::bigint
			END`),
	);
}

const SWEEP_EVERY_MS = 60_000;

/**
 * Deletes ended rows once a minute on PostgreSQL. Each limit deletes them as it is used; this
 * deletes them on a quiet site too, where no one uses a limit again, so that no address key
 * outlives its window (SECURITY.md). The timer is unref'd; a failure is logged in one line
 * and tried again a minute later.
 */
export function startDeletingEndedLimitRows(
	store: Store,
	log: (line: string) => void = console.error,
): () => void {
	if (store.engine !== 'postgres') return () => {};
	const timer = setInterval(() => {
		deleteEndedLimitRows(store, Date.now()).catch((error: Error) =>
			log(`Deleting ended rate-limit rows failed: ${error.message}`),
		);
	}, SWEEP_EVERY_MS).unref();
	return () => clearInterval(timer);
}
