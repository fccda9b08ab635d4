import { and, eq, lte } from 'drizzle-orm';
import { getStore, type Store } from '../../../db/store.ts';
import { appendAuditEvent } from './audit.ts';
import { forgetEarlierDays } from './daily-marks.ts';
import { forgetArrivalOrder } from './arrival-order.ts';
import { eraseFromDisk } from './erasure.ts';
import { eraseStoryText } from './submissions.ts';

/**
 * Privacy: a declined story is kept only long enough for its writer to read the reason
 * with their receipt and revise it; after that only a tombstone without text stays.
 */
export const DEFAULT_DECLINED_RETENTION_DAYS = 30;
const RETENTION_SETTING = 'DECLINED_RETENTION_DAYS';

/** Days a declined story keeps its text: `DECLINED_RETENTION_DAYS`, a whole number ≥ 1. */
export function readDeclinedRetentionDays(env: Record<string, string | undefined>): number {
	const raw = env[RETENTION_SETTING];
	if (raw === undefined || raw === '') return DEFAULT_DECLINED_RETENTION_DAYS;
	if (!/^\d+$/.test(raw) || Number(raw) < 1) {
		throw new Error(
			`${RETENTION_SETTING} must be a whole number of days, 1 or more, not "${raw}".`,
		);
	}
	return Number(raw);
}

/** Stories erased per transaction, so a large backlog never holds the write lock for long. */
const PURGE_BATCH = 200;

/**
 * Erases the text of every story declined more than `retentionDays` ago (an indexed range
 * of the declined stories, never a scan of the library), audits each, then removes the
 * old pages from disk. Returns how many were erased.
 */
export async function purgeDeclinedStories(
	retentionDays: number,
	store: Store = getStore(),
	now = new Date(),
): Promise<number> {
	const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
	let erased = 0;
	for (;;) {
		const batch = await store.transact(async (scope) => {
			const { submissions } = scope.tables;
			const due = await scope.query
				.select({ id: submissions.id })
				.from(submissions)
				.where(and(eq(submissions.status, 'rejected'), lte(submissions.declinedAt, cutoff)))
				.limit(PURGE_BATCH);
			for (const { id } of due) {
				await eraseStoryText(scope, id);
				await appendAuditEvent(
					scope,
					{ submissionId: id, action: 'text-erased', reason: 'retention' },
					now,
				);
			}
			return due.length;
		});
		erased += batch;
		if (batch < PURGE_BATCH) break;
	}
	if (erased > 0) await eraseFromDisk(store);
	return erased;
}

const DAY_MS = 86_400_000;
/** The first purge waits a little, so that start-up itself reads nothing it does not need. */
const FIRST_PURGE_AFTER_MS = 60_000;

/** Milliseconds from `now` to the next UTC midnight. */
function untilMidnight(now: number): number {
	return DAY_MS - (now % DAY_MS);
}

/**
 * Runs the purge in this server process shortly after start and then once a day, and
 * deletes the day's reader marks (daily-marks.ts) as each UTC day ends, then (on PostgreSQL)
 * the order in which the day's rows arrived (arrival-order.ts). The timers are
 * unref'd: they never keep the process alive. A failure is logged in one line (it holds no
 * story text) and tried again at the next turn.
 */
export function startDailyPurge(
	store: Store,
	retentionDays: number,
	log: (line: string) => void = console.error,
): () => void {
	const purge = () => {
		purgeDeclinedStories(retentionDays, store).catch((error: Error) =>
			log(`Purge of declined stories failed: ${error.message}`),
		);
	};
	const forgetMarks = () => {
		forgetEarlierDays(store)
			.catch((error: Error) => log(`Deleting yesterday's reader marks failed: ${error.message}`))
			.then(() => forgetArrivalOrder(store))
			.catch((error: Error) => log(`Forgetting the day's arrival order failed: ${error.message}`));
	};
	const timers = [setTimeout(purge, FIRST_PURGE_AFTER_MS), setInterval(purge, DAY_MS)];
	// A second late, so the new UTC day has begun on a clock a little behind.
	const midnight = setTimeout(
		() => {
			forgetMarks();
			timers.push(setInterval(forgetMarks, DAY_MS).unref());
		},
		untilMidnight(Date.now()) + 1000,
	);
	timers.push(midnight);
	for (const timer of timers) timer.unref();
	return () => {
		for (const timer of timers) clearTimeout(timer);
	};
}
