/**
 * The review page's story, and claiming it. Opening a story only reads: a claim is an
 * explicit step ("Start reviewing", a POST), so skimming the queue with j/k, a prefetching
 * browser or a reloaded tab never reserves stories nobody is reading, nor writes the audit.
 */
import { asc, desc, eq } from 'drizzle-orm';
import { getStore, type Store } from '../../../../db/store.ts';
import { wholeDaysSince } from '../../dates.ts';
import { renderUserMarkdownWithHighlights } from '../../markdown.ts';
import { checkSafeMessaging } from '../../safe-messaging.ts';
import { findStoryIdentifyingDetails } from '../../story-identifying-details.ts';
import { groupFindings } from '../../story-preview.ts';
import { appendAuditEvent } from '../audit.ts';

/** How long starting a review reserves a waiting story for one moderator. */
export const CLAIM_MINUTES = 15;

export type ClaimOutcome =
	| { outcome: 'claimed'; until: Date }
	| { outcome: 'held-by-other' }
	| { outcome: 'not-waiting' }
	| { outcome: 'not-found' };

/**
 * Reserves a waiting story for `moderatorId` for CLAIM_MINUTES, so the queue shows it as
 * taken. Audited when a new claim starts; renewing one's own claim only moves its end. A
 * claim another moderator holds is left alone. Claims are advisory: decisions do not need one.
 */
export async function claimForReview(
	id: string,
	moderatorId: string,
	store: Store = getStore(),
	now = new Date(),
): Promise<ClaimOutcome> {
	return store.transact(async (scope): Promise<ClaimOutcome> => {
		const { submissions } = scope.tables;
		const [submission] = await scope.query
			.select()
			.from(submissions)
			.where(eq(submissions.id, id))
			.limit(1);
		if (!submission) return { outcome: 'not-found' };
		if (submission.status !== 'pending') return { outcome: 'not-waiting' };
		const activeHolder =
			submission.claimedUntil !== null && submission.claimedUntil > now
				? submission.claimedBy
				: null;
		if (activeHolder !== null && activeHolder !== moderatorId) return { outcome: 'held-by-other' };
		const until = new Date(now.getTime() + CLAIM_MINUTES * 60_000);
		await scope.query
			.update(submissions)
			.set({ claimedBy: moderatorId, claimedUntil: until })
			.where(eq(submissions.id, id));
		if (activeHolder === null)
			await appendAuditEvent(scope, { moderatorId, submissionId: id, action: 'claimed' }, now);
		return { outcome: 'claimed', until };
	});
}

/** Everything the review page shows about one story, as `moderatorId` sees it; writes nothing. */
export async function openForReview(
	id: string,
	moderatorId: string,
	store: Store = getStore(),
	now = new Date(),
) {
	const found = await store.read(
		async ({ query, tables: { submissions, moderators, reports } }) => {
			const [row] = await query
				.select({ submission: submissions, claimedByName: moderators.username })
				.from(submissions)
				.leftJoin(moderators, eq(moderators.id, submissions.claimedBy))
				.where(eq(submissions.id, id))
				.limit(1);
			if (!row) return null;
			const reportList = await query
				.select({
					reason: reports.reason,
					note: reports.note,
					createdAt: reports.createdAt,
					resolvedAt: reports.resolvedAt,
				})
				.from(reports)
				.where(eq(reports.submissionId, id))
				.orderBy(desc(reports.createdAt), asc(reports.id));
			return { row, reportList };
		},
	);
	if (!found) return null;
	const { row, reportList } = found;
	const { submission } = row;
	const details = findStoryIdentifyingDetails(submission);
	const safety = checkSafeMessaging(submission.body, submission.contentWarnings);
	const claimActive = submission.claimedUntil !== null && submission.claimedUntil > now;
	return {
		submission: {
			...submission,
			topics: submission.topics,
			contentWarnings: submission.contentWarnings,
		},
		highlightedHtml: renderUserMarkdownWithHighlights(
			submission.body,
			details.filter((detail) => detail.field === 'body'),
		),
		identifyingDetails: groupFindings(details),
		safety: { ...safety, flags: groupFindings(safety.flags) },
		claim: claimActive
			? {
					byMe: submission.claimedBy === moderatorId,
					by: row.claimedByName,
					until: submission.claimedUntil!,
				}
			: null,
		reports: reportList,
		ageDays: wholeDaysSince(submission.createdDay, now),
	};
}
