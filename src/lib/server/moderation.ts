import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNull, ne } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { moderators, reports, submissions, type SubmissionStatus } from '../../../db/schema.ts';
import { wholeDaysSince } from '../dates.ts';
import { DECLINE_REASONS, type DeclineReasonSlug } from '../guidelines.ts';
import type { IdentifyingDetail } from '../identifying-details.ts';
import { renderUserMarkdownWithHighlights } from '../markdown.ts';
import { findStoryIdentifyingDetails } from '../story-identifying-details.ts';
import { findNearDuplicate, shingles } from '../near-duplicates.ts';
import { checkSafeMessaging } from '../safe-messaging.ts';
import { REVIEW_PROMISE_DAYS } from '../settings.ts';
import type { StoryDraft } from '../story-draft.ts';
import { groupFindings, type Grouped } from '../story-preview.ts';
import { canTransition } from '../submission-status.ts';
import type { ContentWarningSlug, TopicSlug } from '../taxonomy.ts';
import { appendAuditEvent, changedTextFields } from './audit.ts';
import { eraseFromDisk } from './erasure.ts';
import { putInLibrary, takeOutOfLibrary } from './library-changes.ts';
import { communitySearchDocument } from './search.ts';
import { getQueueCounts, tabCondition, type QueueTab } from './queue-counts.ts';
import { draftColumns } from './submissions.ts';

/** How long opening a waiting story reserves it for one moderator. */
export const CLAIM_MINUTES = 15;
const QUEUE_PAGE_SIZE = 25;

/** Warnings whose stories stay blurred on the queue until a moderator chooses to look. */
const HARD_CONTENT: readonly ContentWarningSlug[] = [
	'overdose',
	'suicide',
	'self-harm',
	'abuse',
	'violence',
];

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
	database: Database = getDatabase(),
	now = new Date(),
) {
	const queueCounts = await getQueueCounts(database, now);
	const counts = queueCounts.tabs;
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
		const ageDays = wholeDaysSince(submission.createdDay, now);
		return {
			id: submission.id,
			title: submission.title,
			snippet: snippetOf(submission.body),
			status: submission.status,
			ageDays,
			overdue: submission.status === 'pending' && ageDays > REVIEW_PROMISE_DAYS,
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
		.orderBy(desc(reports.createdAt), asc(reports.id))
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
		ageDays: wholeDaysSince(submission.createdDay, now),
	};
}

export type ModerationDecision =
	| {
			kind: 'publish';
			contentWarnings?: ContentWarningSlug[];
			/** The moderator's redaction, saved in the same step (the review form sends both). */
			edits?: StoryDraft;
			/** The moderator saw the identifying details still in the story and publishes anyway. */
			identifyingDetailsConfirmed?: boolean;
	  }
	| { kind: 'decline'; reason: DeclineReasonSlug; note: string | null }
	| { kind: 'second-opinion'; edits?: StoryDraft }
	| { kind: 'unpublish'; note: string | null }
	| { kind: 'restore' };

export type ModerationOutcome =
	| { outcome: 'done'; status: SubmissionStatus; slug: string | null }
	| { outcome: 'not-found' }
	| { outcome: 'conflict'; currentVersion: number }
	| { outcome: 'not-allowed'; status: SubmissionStatus };

/** A decision's outcome: or, for a publish, nothing written until the moderator confirms. */
export type DecisionOutcome =
	| ModerationOutcome
	| { outcome: 'needs-confirmation'; identifyingDetails: Grouped<IdentifyingDetail>[] };

/**
 * The identifying details in a story as it would be published: title, pen name and body.
 * The one call the publish confirmation makes, so a shared findings function can replace it.
 */
function identifyingDetailsToConfirm(story: {
	title: string;
	penName: string | null;
	body: string;
}): Grouped<IdentifyingDetail>[] {
	return groupFindings(findStoryIdentifyingDetails(story));
}

type SubmissionRow = typeof submissions.$inferSelect;

/** Whether a draft says something other than what is stored (an unchanged form is no edit). */
function changesStory(submission: SubmissionRow, draft: StoryDraft): boolean {
	return (
		draft.title !== submission.title ||
		draft.body !== submission.body ||
		draft.penName !== submission.penName ||
		(draft.milestone ?? null) !== submission.milestone ||
		draft.topics.join() !== submission.topics.join() ||
		draft.contentWarnings.join() !== submission.contentWarnings.join()
	);
}

/**
 * Writes a moderator's edit inside `transaction` and audits it with hashes of the text before
 * and after, never the text itself; returns the row as it now stands.
 */
function writeEdits(
	transaction: Queryable,
	submission: SubmissionRow,
	moderatorId: string,
	draft: StoryDraft,
	now: Date,
): SubmissionRow {
	const columns = { ...draftColumns(draft), version: submission.version + 1 };
	transaction.update(submissions).set(columns).where(eq(submissions.id, submission.id)).run();
	const edited = { ...submission, ...columns };
	if (submission.status === 'approved') putInLibrary(transaction, communitySearchDocument(edited));
	appendAuditEvent(
		transaction,
		{
			moderatorId,
			submissionId: submission.id,
			action: 'edited',
			detail: { changed: changedTextFields(submission, draft) },
		},
		now,
	);
	return edited;
}

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
 * audited in the same transaction. Edits sent with the decision are saved in it too.
 *
 * Publishing a story in which identifying details remain (after those edits) writes nothing
 * and answers 'needs-confirmation' with the details, unless the moderator already confirmed:
 * a missed name or number cannot be taken back once readers have seen it.
 */
export async function decideSubmission(
	id: string,
	moderatorId: string,
	expectedVersion: number,
	decision: ModerationDecision,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<DecisionOutcome> {
	let edited = false;
	const outcome = database.transaction(
		(transaction): DecisionOutcome => {
			const { submission: stored, refused } = readForChange(transaction, id, expectedVersion);
			if (!stored) return refused;
			const move = DECISION_MOVES[decision.kind];
			const allowed =
				stored.status === move.from &&
				(move.to === null || canTransition(move.from, move.to, 'moderator'));
			if (!allowed) return { outcome: 'not-allowed', status: stored.status };
			const edits =
				'edits' in decision && decision.edits && changesStory(stored, decision.edits)
					? decision.edits
					: null;
			// Checked on exactly what readers would see, inside the transaction that publishes it.
			const remainingDetails =
				decision.kind === 'publish' ? identifyingDetailsToConfirm(edits ?? stored) : [];
			if (
				decision.kind === 'publish' &&
				remainingDetails.length > 0 &&
				!decision.identifyingDetailsConfirmed
			) {
				return { outcome: 'needs-confirmation', identifyingDetails: remainingDetails };
			}
			edited = edits !== null;
			const submission = edits ? writeEdits(transaction, stored, moderatorId, edits, now) : stored;
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
					changes.declinedAt = now;
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
					detail: auditDetail(decision, remainingDetails),
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
	// Words a redaction removed, or an unpublished story's index entry, must leave the disk too.
	if (outcome.outcome === 'done' && (edited || decision.kind === 'unpublish'))
		eraseFromDisk(database);
	return outcome;
}

/**
 * What the audit trail keeps about a decision. For a publish despite identifying details, only
 * their kinds: the audit trail never holds a story's words.
 */
function auditDetail(
	decision: ModerationDecision,
	remainingDetails: readonly IdentifyingDetail[],
): Record<string, unknown> | null {
	// The note itself stays with the story and is erased with it, never copied here.
	if (decision.kind === 'decline') return decision.note ? { withNote: true } : null;
	if (decision.kind !== 'publish') return null;
	const detail: Record<string, unknown> = {};
	if (decision.contentWarnings) detail.contentWarnings = decision.contentWarnings;
	if (remainingDetails.length > 0)
		detail.publishedWithIdentifyingDetails = [...new Set(remainingDetails.map(({ kind }) => kind))];
	return Object.keys(detail).length > 0 ? detail : null;
}

/**
 * A moderator's edit (redaction) of title, text, pen name, topics or warnings, through the
 * same render-and-sanitize module; optimistic lock as for decisions; audited with the names
 * of the fields it changed, never the text. The removed words are erased from disk.
 */
export async function editSubmission(
	id: string,
	moderatorId: string,
	expectedVersion: number,
	draft: StoryDraft,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<ModerationOutcome> {
	const outcome = database.transaction(
		(transaction): ModerationOutcome => {
			const { submission, refused } = readForChange(transaction, id, expectedVersion);
			if (!submission) return refused;
			// A tombstone (withdrawn, or declined past retention) never gets text back.
			if (submission.status === 'withdrawn' || submission.textErased)
				return { outcome: 'not-allowed', status: submission.status };
			writeEdits(transaction, submission, moderatorId, draft, now);
			return { outcome: 'done', status: submission.status, slug: submission.slug };
		},
		{ behavior: 'immediate' },
	);
	// A redaction: the words removed must not survive in any file.
	if (outcome.outcome === 'done') eraseFromDisk(database);
	return outcome;
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
						declinedAt: now,
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

/** Marks every open report on a story as handled, with what was done, erasing their notes; audited. */
export async function resolveReports(
	id: string,
	moderatorId: string,
	resolution: string,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<number> {
	const resolved = database.transaction(
		(transaction: Queryable) => {
			const open = transaction
				.select({ id: reports.id })
				.from(reports)
				.where(and(eq(reports.submissionId, id), isNull(reports.resolvedAt)))
				.all();
			if (open.length === 0) return 0;
			transaction
				.update(reports)
				// Privacy: a reader's note is only for the moderator who handles the report.
				.set({ resolvedAt: now, resolvedBy: moderatorId, resolution, note: null })
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
	if (resolved > 0) eraseFromDisk(database);
	return resolved;
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
