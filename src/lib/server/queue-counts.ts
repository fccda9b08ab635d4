/**
 * What the moderation queue holds: the tabs, how many stories each has, and how many have
 * waited longer than the review time writers are promised. Imports only what the
 * `npm run moderator -- queue` command can load outside Astro.
 */
import { and, asc, count, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { getStore, type Store } from '../../../db/store.ts';
import type { Tables } from '../../../db/tables.ts';
import { DAY_MS, isoDay, wholeDaysSince } from '../dates.ts';
import { REVIEW_PROMISE_DAYS } from '../settings.ts';

export const QUEUE_TABS = ['waiting', 'reported', 'published', 'declined', 'withdrawn'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

/** Which stories a queue tab holds. */
export function tabCondition(tab: QueueTab, { submissions, reports }: Tables) {
	switch (tab) {
		case 'waiting':
			return eq(submissions.status, 'pending');
		case 'reported':
			// Driven from the open reports (few, and indexed), not a scan of every submission.
			return and(
				ne(submissions.status, 'withdrawn'),
				sql`${submissions.id} IN (SELECT ${reports.submissionId} FROM ${reports} WHERE ${reports.resolvedAt} IS NULL)`,
			);
		case 'published':
			return inArray(submissions.status, ['approved', 'unpublished']);
		case 'declined':
			return eq(submissions.status, 'rejected');
		case 'withdrawn':
			return eq(submissions.status, 'withdrawn');
	}
}

/** Waiting stories created before this day have waited longer than the review promise. */
function firstDayWithinPromise(now: Date): string {
	return isoDay(new Date(now.getTime() - REVIEW_PROMISE_DAYS * DAY_MS));
}

export interface QueueCounts {
	/** How many stories each tab holds. */
	tabs: Record<QueueTab, number>;
	/** Waiting stories that have waited longer than REVIEW_PROMISE_DAYS. */
	overdue: number;
	/** Days the oldest waiting story has waited, or null when nothing waits. */
	oldestWaitingDays: number | null;
}

/** How many stories each tab holds and how many have waited past the review promise. */
export async function getQueueCounts(
	store: Store = getStore(),
	now = new Date(),
): Promise<QueueCounts> {
	return store.read(async ({ query, tables }) => {
		const { submissions } = tables;
		const totalOf = async (counted: Promise<{ total: number }[]>) => (await counted)[0]!.total;
		const tabs = Object.fromEntries(
			await Promise.all(
				QUEUE_TABS.map(async (name) => [
					name,
					await totalOf(
						query.select({ total: count() }).from(submissions).where(tabCondition(name, tables)),
					),
				]),
			),
		) as Record<QueueTab, number>;
		const overdue = await totalOf(
			query
				.select({ total: count() })
				.from(submissions)
				.where(
					and(
						eq(submissions.status, 'pending'),
						lt(submissions.createdDay, firstDayWithinPromise(now)),
					),
				),
		);
		const [oldest] = await query
			.select({ createdDay: submissions.createdDay })
			.from(submissions)
			.where(eq(submissions.status, 'pending'))
			.orderBy(asc(submissions.createdDay))
			.limit(1);
		return {
			tabs,
			overdue,
			oldestWaitingDays: oldest ? wholeDaysSince(oldest.createdDay, now) : null,
		};
	});
}
