/** The moderation queue: one page of cards for a tab, and the waiting stories around one. */
import { and, asc, count, desc, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { SubmissionStatus } from '../../../../db/schema.ts';
import { getStore, type Store } from '../../../../db/store.ts';
import { wholeDaysSince } from '../../dates.ts';
import { findNearDuplicate, shingles } from '../../near-duplicates.ts';
import { checkSafeMessaging } from '../../safe-messaging.ts';
import { REVIEW_PROMISE_DAYS } from '../../settings.ts';
import { findStoryIdentifyingDetails } from '../../story-identifying-details.ts';
import type { ContentWarningSlug, TopicSlug } from '../../taxonomy.ts';
import { getQueueCounts, tabCondition, type QueueTab } from '../queue-counts.ts';
import { plainTextExcerpt } from '../../plain-text.ts';

/** Characters of a story's opening shown on its queue card. */
const QUEUE_SNIPPET_LENGTH = 240;

const QUEUE_PAGE_SIZE = 25;

/** Warnings whose stories stay blurred on the queue until a moderator chooses to look. */
const HARD_CONTENT: readonly ContentWarningSlug[] = [
	'overdose',
	'suicide',
	'self-harm',
	'abuse',
	'violence',
];

export interface QueueCard {
	id: string;
	title: string;
	snippet: string;
	status: SubmissionStatus;
	/** Days since the story arrived (for a waiting story: how long it has waited). */
	ageDays: number;
	/** A waiting story that has waited longer than REVIEW_PROMISE_DAYS. */
	overdue: boolean;
	topics: TopicSlug[];
	contentWarnings: ContentWarningSlug[];
	needsSecondOpinion: boolean;
	/** Blurred until opened: hard warnings or safety flags (moderator wellbeing). */
	hardContent: boolean;
	claimedBy: string | null;
	flags: {
		identifyingDetails: number;
		safetyFlags: number;
		links: number;
		nearDuplicateOf: { id: string; title: string } | null;
		reports: { reason: string; count: number }[];
	};
}

/** The queue: counts for every tab and one page of cards for the chosen tab. */
export async function getModerationQueue(
	tab: QueueTab,
	page: number,
	store: Store = getStore(),
	now = new Date(),
) {
	const queueCounts = await getQueueCounts(store, now);
	const counts = queueCounts.tabs;
	const { rows, reportRows, candidates } = await store.read(async ({ query, tables }) => {
		const { submissions, moderators, reports } = tables;
		const order =
			tab === 'waiting'
				? [asc(submissions.createdDay), asc(submissions.id)]
				: [desc(submissions.publishedAt), desc(submissions.createdDay), asc(submissions.id)];
		const rows = await query
			.select({ submission: submissions, claimedByName: moderators.username })
			.from(submissions)
			.leftJoin(moderators, eq(moderators.id, submissions.claimedBy))
			.where(tabCondition(tab, tables))
			.orderBy(...order)
			.limit(QUEUE_PAGE_SIZE)
			.offset((page - 1) * QUEUE_PAGE_SIZE);
		const ids = rows.map(({ submission }) => submission.id);
		const reportRows = ids.length
			? await query
					.select({ submissionId: reports.submissionId, reason: reports.reason, total: count() })
					.from(reports)
					.where(and(inArray(reports.submissionId, ids), isNull(reports.resolvedAt)))
					.groupBy(reports.submissionId, reports.reason)
			: [];
		// Near-duplicates are looked for among recent stories that still hold text.
		const candidates = await query
			.select({ id: submissions.id, title: submissions.title, body: submissions.body })
			.from(submissions)
			.where(ne(submissions.status, 'withdrawn'))
			.orderBy(desc(submissions.createdDay))
			.limit(500);
		return { rows, reportRows, candidates };
	});
	const candidateShingles = candidates.map((candidate) => ({
		...candidate,
		shingles: shingles(candidate.body),
	}));

	const cards: QueueCard[] = rows.map(({ submission, claimedByName }) => {
		const safety = checkSafeMessaging(submission.body, submission.contentWarnings);
		const details = findStoryIdentifyingDetails(submission);
		const duplicate =
			submission.status === 'withdrawn'
				? null
				: findNearDuplicate(
						{ id: submission.id, shingles: shingles(submission.body) },
						candidateShingles,
					);
		const claimActive = submission.claimedUntil !== null && submission.claimedUntil > now;
		const ageDays = wholeDaysSince(submission.createdDay, now);
		return {
			id: submission.id,
			title: submission.title,
			snippet: plainTextExcerpt(submission.body, QUEUE_SNIPPET_LENGTH),
			status: submission.status,
			ageDays,
			overdue: submission.status === 'pending' && ageDays > REVIEW_PROMISE_DAYS,
			topics: submission.topics,
			contentWarnings: submission.contentWarnings,
			needsSecondOpinion: submission.needsSecondOpinion,
			hardContent:
				safety.flags.length > 0 ||
				submission.contentWarnings.some((warning) => HARD_CONTENT.includes(warning)),
			claimedBy: claimActive ? claimedByName : null,
			flags: {
				identifyingDetails: details.filter((detail) => detail.kind !== 'url').length,
				safetyFlags: safety.flags.length,
				links: details.filter((detail) => detail.kind === 'url').length,
				nearDuplicateOf: duplicate
					? { id: duplicate.candidate.id, title: duplicate.candidate.title }
					: null,
				reports: reportRows
					.filter((row) => row.submissionId === submission.id)
					.map(({ reason, total }) => ({ reason, count: total })),
			},
		};
	});
	const totalPages = Math.max(1, Math.ceil(counts[tab] / QUEUE_PAGE_SIZE));
	return {
		tab,
		counts,
		overdue: queueCounts.overdue,
		oldestWaitingDays: queueCounts.oldestWaitingDays,
		cards,
		page,
		totalPages,
	};
}

/** The waiting stories just before and after `id` in queue order, for j/k on the review page. */
export async function findQueueNeighbours(id: string, store: Store = getStore()) {
	const rows = await store.read(({ query, tables: { submissions } }) =>
		query
			.select({ id: submissions.id })
			.from(submissions)
			.where(eq(submissions.status, 'pending'))
			.orderBy(asc(submissions.createdDay), asc(submissions.id)),
	);
	const waiting = rows.map((row) => row.id);
	const index = waiting.indexOf(id);
	if (index === -1) return { previous: null, next: waiting[0] ?? null };
	return { previous: waiting[index - 1] ?? null, next: waiting[index + 1] ?? null };
}
