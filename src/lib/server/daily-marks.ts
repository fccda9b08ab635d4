import { createHash } from 'node:crypto';
import { and, count, eq, lt } from 'drizzle-orm';
import type { Scope, Store } from '../../../db/store.ts';
import { isoDay } from '../dates.ts';

/**
 * Acts a reader may do once a day (react to a story, report it), remembered in the database
 * so that every server counts them alike (DESIGN.md, "Beyond one machine"). A mark is the
 * hash of the reader's daily address key (address-key.ts: keyed, changed every UTC day)
 * with the subject, so one reader's marks on two stories share nothing, and a copy of the
 * database cannot tell who made them. A day's marks are deleted once it has ended.
 */

function markOf(readerKey: string, subject: string): string {
	return createHash('sha256').update(`${readerKey}\u0000${subject}`).digest('base64url');
}

/** The day whose earlier marks this process last deleted. */
let clearedBefore = '';

async function deleteEarlierDays({ query, tables }: Scope, day: string): Promise<void> {
	await query.delete(tables.dailyMarks).where(lt(tables.dailyMarks.day, day));
}

/**
 * Deletes the marks of every day before today. The retention timer calls it at each UTC
 * midnight (retention.ts); the first mark of a day in each process does it too.
 */
export async function forgetEarlierDays(store: Store, now = new Date()): Promise<void> {
	const day = isoDay(now);
	await store.transact((scope) => deleteEarlierDays(scope, day));
	clearedBefore = day;
}

/**
 * Records that this reader did `subject` today, in the caller's transaction; whether it is
 * the first time today (only then does it count).
 */
export async function markOnceToday(
	scope: Scope,
	subject: string,
	readerKey: string,
	now: Date,
): Promise<boolean> {
	const { query, tables } = scope;
	const day = isoDay(now);
	if (clearedBefore !== day) {
		await deleteEarlierDays(scope, day);
		scope.afterCommit(() => (clearedBefore = day));
	}
	const added = await query
		.insert(tables.dailyMarks)
		.values({ day, subject, mark: markOf(readerKey, subject) })
		.onConflictDoNothing()
		.returning({ day: tables.dailyMarks.day });
	return added.length > 0;
}

/** How many readers did `subject` today. */
export async function countMarksToday(scope: Scope, subject: string, now: Date): Promise<number> {
	const { dailyMarks } = scope.tables;
	const [row] = await scope.query
		.select({ readers: count() })
		.from(dailyMarks)
		.where(and(eq(dailyMarks.day, isoDay(now)), eq(dailyMarks.subject, subject)));
	return Number(row?.readers ?? 0);
}
