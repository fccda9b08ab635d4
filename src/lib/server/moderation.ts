import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { moderators, reports, submissions, type SubmissionStatus } from '../../../db/schema.ts';
import { DECLINE_REASONS, type DeclineReasonSlug } from '../guidelines.ts';
import { renderUserMarkdownWithHighlights } from '../markdown.ts';
import { findStoryIdentifyingDetails } from '../story-identifying-details.ts';
import { findNearDuplicate, shingles } from '../near-duplicates.ts';
import { checkSafeMessaging } from '../safe-messaging.ts';
import type { StoryDraft } from '../story-draft.ts';
import { groupFindings } from '../story-preview.ts';
import { canTransition } from '../submission-status.ts';
import type { ContentWarningSlug, TopicSlug } from '../taxonomy.ts';
import { appendAuditEvent, textFingerprint } from './audit.ts';
import { putInLibrary, takeOutOfLibrary } from './library-changes.ts';
import { communitySearchDocument } from './search.ts';
import { draftColumns } from './submissions.ts';

/** How long opening a waiting story reserves it for one moderator. */
export const CLAIM_MINUTES = 15;
export const QUEUE_PAGE_SIZE = 25;

export const QUEUE_TABS = ['waiting', 'reported', 'published', 'declined', 'withdrawn'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

/** Warnings whose stories stay blurred on the queue until a moderator chooses to look. */
const HARD_CONTENT: readonly ContentWarningSlug[] = [
	'overdose',
	'suicide',
	'self-harm',
	'abuse',
	'violence',
];

function tabCondition(tab: QueueTab) {
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

function daysSince(day: string, now: Date): number {
	return Math.max(0, Math.floor((now.getTime() - Date.parse(`${day}T00:00:00Z`)) / 86_400_000));
}

/** A plain-text opening of a Markdown story, for queue cards. */
function snippetOf(body: string, length = 240): string {
	const plain = body
		.replace(/[#>*_`~[\]()!-]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > length ? `${plain.slice(0, length).trimEnd()}…` : plain;
}

export interface QueueCard {
	id: string;
	title: string;
	snippet: string;
	status: SubmissionStatus;
	ageDays: number;
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
	database: Database = getDatabase(),
	now = new Date(),
) {
	const counts = Object.fromEntries(
		QUEUE_TABS.map((name) => [
			name,
			database.select({ total: count() }).from(submissions).where(tabCondition(name)).get()!.total,
		]),
	) as Record<QueueTab, number>;
	const order =
		tab === 'waiting'
			? [asc(submissions.createdDay), asc(submissions.id)]
			: [desc(submissions.publishedAt), desc(submissions.createdDay), asc(submissions.id)];
	const rows = database
		.select({ submission: submissions, claimedByName: moderators.username })
		.from(submissions)
		.leftJoin(moderators, eq(moderators.id, submissions.claimedBy))
		.where(tabCondition(tab))
		.orderBy(...order)
		.limit(QUEUE_PAGE_SIZE)
		.offset((page - 1) * QUEUE_PAGE_SIZE)
		.all();
	const ids = rows.map(({ submission }) => submission.id);
	const reportRows = ids.length
		? database
				.select({ submissionId: reports.submissionId, reason: reports.reason, total: count() })
				.from(reports)
				.where(and(inArray(reports.submissionId, ids), isNull(reports.resolvedAt)))
				.groupBy(reports.submissionId, reports.reason)
				.all()
		: [];
	// Near-duplicates are looked for among recent stories that still hold text.
	const candidates = database
		.select({ id: submissions.id, title: submissions.title, body: submissions.body })
		.from(submissions)
		.where(ne(submissions.status, 'withdrawn'))
		.orderBy(desc(submissions.createdDay))
		.limit(500)
		.all()
		.map((candidate) => ({ ...candidate, shingles: shingles(candidate.body) }));

	const cards: QueueCard[] = rows.map(({ submission, claimedByName }) => {
		const safety = checkSafeMessaging(
			submission.body,
			submission.contentWarnings as ContentWarningSlug[],
		);
		const details = findStoryIdentifyingDetails(submission);
		const duplicate =
			submission.status === 'withdrawn'
				? null
				: findNearDuplicate({ id: submission.id, shingles: shingles(submission.body) }, candidates);
		const claimActive = submission.claimedUntil !== null && submission.claimedUntil > now;
		return {
			id: submission.id,
			title: submission.title,
			snippet: snippetOf(submission.body),
			status: submission.status,
			ageDays: daysSince(submission.createdDay, now),
			topics: submission.topics as TopicSlug[],
			contentWarnings: submission.contentWarnings as ContentWarningSlug[],
			needsSecondOpinion: submission.needsSecondOpinion,
			hardContent:
				safety.flags.length > 0 ||
				(submission.contentWarnings as ContentWarningSlug[]).some((warning) =>
					HARD_CONTENT.includes(warning),
				),
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
	return { tab, counts, cards, page, totalPages };
}

/**
 * Opens a story for review. A waiting story that nobody else holds is claimed for
 * CLAIM_MINUTES (audited when a new claim starts); a claim held by someone else is shown.
 */
export async function openForReview(
	id: string,
	moderatorId: string,
	database: Database = getDatabase(),
	now = new Date(),
) {
	const claimed = database.transaction(
		(transaction) => {
			const submission = transaction.select().from(submissions).where(eq(submissions.id, id)).get();
			if (!submission) return null;
			const heldByOther =
				submission.claimedBy !== null &&
				submission.claimedBy !== moderatorId &&
				submission.claimedUntil !== null &&
				submission.claimedUntil > now;
			if (submission.status === 'pending' && !heldByOther) {
				const newClaim =
					submission.claimedBy !== moderatorId ||
					submission.claimedUntil === null ||
					submission.claimedUntil <= now;
				transaction
					.update(submissions)
					.set({
						claimedBy: moderatorId,
						claimedUntil: new Date(now.getTime() + CLAIM_MINUTES * 60_000),
					})
					.where(eq(submissions.id, id))
					.run();
				if (newClaim)
					appendAuditEvent(transaction, { moderatorId, submissionId: id, action: 'claimed' }, now);
			}
			return true;
		},
		{ behavior: 'immediate' },
	);
	if (!claimed) return null;
	const row = database
		.select({ submission: submissions, claimedByName: moderators.username })
		.from(submissions)
		.leftJoin(moderators, eq(moderators.id, submissions.claimedBy))
		.where(eq(submissions.id, id))
		.get()!;
	const { submission } = row;
	const details = findStoryIdentifyingDetails(submission);
	const safety = checkSafeMessaging(
		submission.body,
		submission.contentWarnings as ContentWarningSlug[],
	);
	const claimActive = submission.claimedUntil !== null && submission.claimedUntil > now;
	const reportList = database
		.select({
			reason: reports.reason,
			note: reports.note,
			createdAt: reports.createdAt,
			resolvedAt: reports.resolvedAt,
		})
		.from(reports)
		.where(eq(reports.submissionId, id))
		.orderBy(desc(reports.createdAt))
		.all();
	return {
		submission: {
			...submission,
			topics: submission.topics as TopicSlug[],
			contentWarnings: submission.contentWarnings as ContentWarningSlug[],
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
		ageDays: daysSince(submission.createdDay, now),
	};
}

export type ModerationDecision =
	| { kind: 'publish'; contentWarnings?: ContentWarningSlug[] }
	| { kind: 'decline'; reason: DeclineReasonSlug; note: string | null }
	| { kind: 'second-opinion' }
	| { kind: 'unpublish'; note: string | null }
	| { kind: 'restore' };

export type ModerationOutcome =
	| { outcome: 'done'; status: SubmissionStatus; slug: string | null }
	| { outcome: 'not-found' }
	| { outcome: 'conflict'; currentVersion: number }
	| { outcome: 'not-allowed'; status: SubmissionStatus };

/** Each decision is one move in the transition table: from this status to that one. */
const DECISION_MOVES: Record<
	ModerationDecision['kind'],
	{ from: SubmissionStatus; to: SubmissionStatus | null }
> = {
	publish: { from: 'pending', to: 'approved' },
	decline: { from: 'pending', to: 'rejected' },
	'second-opinion': { from: 'pending', to: null },
	unpublish: { from: 'approved', to: 'unpublished' },
	restore: { from: 'unpublished', to: 'approved' },
};

/** A slug that says nothing about the story, so it can outlive a withdrawal. */
function newCommunitySlug(): string {
	return `shared-${randomBytes(6)
		.toString('base64url')
		.toLowerCase()
		.replace(/[^a-z0-9]/g, 'x')}`;
}

/**
 * The story to change, read inside the transaction: or the outcome to return at once when
 * it is gone or has moved on since `expectedVersion` (optimistic locking).
 */
function readForChange(transaction: Queryable, id: string, expectedVersion: number) {
	const submission = transaction.select().from(submissions).where(eq(submissions.id, id)).get();
	if (!submission) return { refused: { outcome: 'not-found' } as ModerationOutcome };
	if (submission.version !== expectedVersion) {
		return {
			refused: { outcome: 'conflict', currentVersion: submission.version } as ModerationOutcome,
		};
	}
	return { submission };
}

/**
 * Applies a moderator's decision, made on `expectedVersion` of the story. If the story
 * changed since (a writer's edit, another moderator), nothing is written and the current
 * version is returned. Status changes follow the one transition table; every decision is
 * audited in the same transaction.
 */
export async function decideSubmission(
	id: string,
	moderatorId: string,
	expectedVersion: number,
	decision: ModerationDecision,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<ModerationOutcome> {
	return database.transaction(
		(transaction): ModerationOutcome => {
			const { submission, refused } = readForChange(transaction, id, expectedVersion);
			if (!submission) return refused!;
			const move = DECISION_MOVES[decision.kind];
			const allowed =
				submission.status === move.from &&
				(move.to === null || canTransition(move.from, move.to, 'moderator'));
			if (!allowed) return { outcome: 'not-allowed', status: submission.status };
			const changes: Partial<typeof submissions.$inferInsert> = {
				version: submission.version + 1,
				claimedBy: null,
				claimedUntil: null,
			};
			let reason: string | null = null;
			switch (decision.kind) {
				case 'publish':
					changes.status = 'approved';
					changes.slug = submission.slug ?? newCommunitySlug();
					changes.publishedAt = submission.publishedAt ?? now;
					changes.needsSecondOpinion = false;
					changes.decisionReason = null;
					changes.decisionNote = null;
					if (decision.contentWarnings) changes.contentWarnings = decision.contentWarnings;
					break;
				case 'decline':
					changes.status = 'rejected';
					changes.decisionReason = decision.reason;
					changes.decisionNote = decision.note;
					changes.needsSecondOpinion = false;
					reason = decision.reason;
					break;
				case 'second-opinion':
					changes.needsSecondOpinion = true;
					break;
				case 'unpublish':
					changes.status = 'unpublished';
					reason = decision.note;
					break;
				case 'restore':
					changes.status = 'approved';
					break;
			}
			transaction.update(submissions).set(changes).where(eq(submissions.id, id)).run();
			// Search and page caches change in the same transaction as what readers can see.
			const after = { ...submission, ...changes };
			if (after.status === 'approved') putInLibrary(transaction, communitySearchDocument(after));
			else if (submission.status === 'approved')
				takeOutOfLibrary(transaction, `/stories/${submission.slug}`);
			appendAuditEvent(
				transaction,
				{
					moderatorId,
					submissionId: id,
					action:
						decision.kind === 'publish' && decision.contentWarnings
							? 'publish-with-warnings'
							: decision.kind,
					reason: reason ?? (decision.kind === 'decline' ? decision.note : null),
					detail:
						decision.kind === 'publish' && decision.contentWarnings
							? { contentWarnings: decision.contentWarnings }
							: decision.kind === 'decline'
								? { note: decision.note }
								: null,
				},
				now,
			);
			return {
				outcome: 'done',
				status: changes.status ?? submission.status,
				slug: changes.slug ?? submission.slug,
			};
		},
		{ behavior: 'immediate' },
	);
}

/**
 * A moderator's edit (redaction) of title, text, pen name, topics or warnings, through the
 * same render-and-sanitize module; optimistic lock as for decisions; audited with hashes
 * of the text before and after, never the text itself.
 */
export async function editSubmission(
	id: string,
	moderatorId: string,
	expectedVersion: number,
	draft: StoryDraft,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<ModerationOutcome> {
	return database.transaction(
		(transaction): ModerationOutcome => {
			const { submission, refused } = readForChange(transaction, id, expectedVersion);
			if (!submission) return refused!;
			if (submission.status === 'withdrawn')
				return { outcome: 'not-allowed', status: submission.status };
			transaction
				.update(submissions)
				.set({ ...draftColumns(draft), version: submission.version + 1 })
				.where(eq(submissions.id, id))
				.run();
			if (submission.status === 'approved') {
				putInLibrary(transaction, communitySearchDocument({ ...submission, ...draft }));
			}
			appendAuditEvent(
				transaction,
				{
					moderatorId,
					submissionId: id,
					action: 'edited',
					detail: {
						textBefore: textFingerprint(submission.title, submission.body),
						textAfter: textFingerprint(draft.title, draft.body),
					},
				},
				now,
			);
			return { outcome: 'done', status: submission.status, slug: submission.slug };
		},
		{ behavior: 'immediate' },
	);
}

/** Declines every listed story that is still waiting (obvious spam); returns how many. */
export async function bulkDecline(
	ids: readonly string[],
	moderatorId: string,
	reason: DeclineReasonSlug,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<number> {
	if (ids.length === 0) return 0;
	return database.transaction(
		(transaction) => {
			const waiting = transaction
				.select({ id: submissions.id, version: submissions.version })
				.from(submissions)
				.where(and(inArray(submissions.id, [...ids]), eq(submissions.status, 'pending')))
				.all();
			for (const { id, version } of waiting) {
				transaction
					.update(submissions)
					.set({
						status: 'rejected',
						decisionReason: reason,
						version: version + 1,
						claimedBy: null,
						claimedUntil: null,
					})
					.where(eq(submissions.id, id))
					.run();
				appendAuditEvent(
					transaction,
					{ moderatorId, submissionId: id, action: 'decline', reason, detail: { bulk: true } },
					now,
				);
			}
			return waiting.length;
		},
		{ behavior: 'immediate' },
	);
}

/** Marks every open report on a story as handled, with what was done; audited. */
export async function resolveReports(
	id: string,
	moderatorId: string,
	resolution: string,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<number> {
	return database.transaction(
		(transaction: Queryable) => {
			const open = transaction
				.select({ id: reports.id })
				.from(reports)
				.where(and(eq(reports.submissionId, id), isNull(reports.resolvedAt)))
				.all();
			if (open.length === 0) return 0;
			transaction
				.update(reports)
				.set({ resolvedAt: now, resolvedBy: moderatorId, resolution })
				.where(and(eq(reports.submissionId, id), isNull(reports.resolvedAt)))
				.run();
			appendAuditEvent(
				transaction,
				{
					moderatorId,
					submissionId: id,
					action: 'reports-resolved',
					reason: resolution,
					detail: { reports: open.length },
				},
				now,
			);
			return open.length;
		},
		{ behavior: 'immediate' },
	);
}

/** The reader-facing label of a decline reason slug (or the text itself for older notes). */
export function declineReasonLabel(reason: string): string {
	return DECLINE_REASONS.find((candidate) => candidate.slug === reason)?.label ?? reason;
}

/** The waiting stories just before and after `id` in queue order, for j/k on the review page. */
export async function findQueueNeighbours(id: string, database: Database = getDatabase()) {
	const waiting = database
		.select({ id: submissions.id })
		.from(submissions)
		.where(eq(submissions.status, 'pending'))
		.orderBy(asc(submissions.createdDay), asc(submissions.id))
		.all()
		.map((row) => row.id);
	const index = waiting.indexOf(id);
	if (index === -1) return { previous: null, next: waiting[0] ?? null };
	return { previous: waiting[index - 1] ?? null, next: waiting[index + 1] ?? null };
}
