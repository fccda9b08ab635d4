import { and, eq } from 'drizzle-orm';
import { getStore, type Store } from '../../../db/store.ts';
import { startOfUtcDay } from '../dates.ts';
import { canTransition } from '../submission-status.ts';
import { appendAuditEvent } from './audit.ts';
import { countMarksToday, markOnceToday } from './daily-marks.ts';
import { eraseFromDisk } from './erasure.ts';
import { randomRowId } from './row-ids.ts';
import { SUBMISSION_LIMITS } from './rate-limit.ts';
import { takeOutOfLibrary } from './library-changes.ts';

export const REPORT_REASONS = {
	'identifying-details': 'It contains details that could identify someone',
	'unsafe-content': 'It is unsafe or harmful',
	spam: 'It is spam or advertising',
	other: 'Something else',
} as const;
export type ReportReason = keyof typeof REPORT_REASONS;

export type ReportOutcome = 'received' | 'already-reported' | 'not-found';

/**
 * Records a reader's report of a published community story. A reader's repeat reports
 * of the same story on the same day count once. When `threshold` distinct readers have
 * reported it today, it is hidden (unpublished) until a moderator reviews it, audited.
 */
export async function reportStory(
	slug: string,
	reason: ReportReason,
	note: string | null,
	reporterKey: string,
	store: Store = getStore(),
	threshold = SUBMISSION_LIMITS.reportsToHideStory,
	now = new Date(),
): Promise<{ outcome: ReportOutcome; hidden: boolean }> {
	const result = await store.transact(async (scope) => {
		const { submissions, reports } = scope.tables;
		const [story] = await scope.query
			.select({ id: submissions.id, version: submissions.version })
			.from(submissions)
			.where(and(eq(submissions.slug, slug), eq(submissions.status, 'approved')))
			.limit(1);
		if (!story) return { outcome: 'not-found' as const, hidden: false };
		const subject = `report ${story.id}`;
		if (!(await markOnceToday(scope, subject, reporterKey, now)))
			return { outcome: 'already-reported' as const, hidden: false };
		await scope.query
			.insert(reports)
			// Privacy: a reader's report is dated by its day and has a random id (row-ids.ts).
			.values({
				id: randomRowId(),
				submissionId: story.id,
				reason,
				note,
				createdAt: startOfUtcDay(now),
			});
		const reportersToday = await countMarksToday(scope, subject, now);
		const hidden =
			reportersToday >= threshold && canTransition('approved', 'unpublished', 'system');
		if (hidden) {
			await scope.query
				.update(submissions)
				.set({ status: 'unpublished', version: story.version + 1 })
				.where(eq(submissions.id, story.id));
			await takeOutOfLibrary(scope, `/stories/${slug}`);
			await appendAuditEvent(
				scope,
				{
					submissionId: story.id,
					action: 'auto-hidden',
					reason: 'reader reports',
					detail: { reportersToday },
				},
				// Readers caused it: the third report's time must not be recorded.
				startOfUtcDay(now),
			);
		}
		return { outcome: 'received' as const, hidden };
	});
	// A hidden story left the search index: its terms go from the disk too.
	if (result.hidden) await eraseFromDisk(store);
	return result;
}
