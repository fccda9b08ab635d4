/**
 * Moderators' decisions on a story: publish (with or without new warnings), decline, ask a
 * second opinion, unpublish, restore; one at a time or many declines at once, by one path.
 */
import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { submissions, SubmissionStatus } from '../../../../db/schema.ts';
import { getStore, type Scope, type Store } from '../../../../db/store.ts';
import type { DeclineReasonSlug } from '../../guidelines.ts';
import type { IdentifyingDetail } from '../../identifying-details.ts';
import type { StoryDraft } from '../../story-draft.ts';
import { findStoryIdentifyingDetails } from '../../story-identifying-details.ts';
import { groupFindings, type Grouped } from '../../story-preview.ts';
import { transitionOf } from '../../submission-status.ts';
import type { ContentWarningSlug } from '../../taxonomy.ts';
import { appendAuditEvent } from '../audit.ts';
import { eraseFromDisk } from '../erasure.ts';
import { putInLibrary, takeOutOfLibrary } from '../library-changes.ts';
import { communitySearchDocument } from '../search.ts';
import { changesStory, writeEdits } from './edits.ts';
import { readForChange, type ModerationOutcome, type SubmissionRow } from './locking.ts';

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

/**
 * Where a decision applies and the status it leads to: the move in the one transition table,
 * or, for a second opinion, a waiting story that stays waiting.
 */
function moveOf(kind: ModerationDecision['kind']): {
	from: SubmissionStatus;
	to: SubmissionStatus;
} {
	return kind === 'second-opinion' ? { from: 'pending', to: 'pending' } : transitionOf(kind);
}

/** A slug that says nothing about the story, so it can outlive a withdrawal. */
function newCommunitySlug(): string {
	return `shared-${randomBytes(6)
		.toString('base64url')
		.toLowerCase()
		.replace(/[^a-z0-9]/g, 'x')}`;
}

/** What a decision writes besides the status, the version and the released claim. */
function decisionColumns(
	decision: ModerationDecision,
	submission: SubmissionRow,
	now: Date,
): Partial<typeof submissions.$inferInsert> {
	switch (decision.kind) {
		case 'publish':
			return {
				slug: submission.slug ?? newCommunitySlug(),
				publishedAt: submission.publishedAt ?? now,
				needsSecondOpinion: false,
				decisionReason: null,
				decisionNote: null,
				...(decision.contentWarnings ? { contentWarnings: decision.contentWarnings } : {}),
			};
		case 'decline':
			return {
				decisionReason: decision.reason,
				decisionNote: decision.note,
				declinedAt: now,
				needsSecondOpinion: false,
			};
		case 'second-opinion':
			return { needsSecondOpinion: true };
		case 'unpublish':
		case 'restore':
			return {};
	}
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
 * One decision on `stored`, inside `transaction`: the move must start where the story is;
 * edits sent with it are saved first; a publish with identifying details left and not
 * confirmed writes nothing. Search and page caches change with what readers can see, and
 * the decision is audited (`bulk` marks one of many declines).
 */
async function decideInTransaction(
	scope: Scope,
	stored: SubmissionRow,
	moderatorId: string,
	decision: ModerationDecision,
	now: Date,
	options: { bulk?: boolean } = {},
): Promise<{ result: DecisionOutcome; edited: boolean }> {
	const move = moveOf(decision.kind);
	if (stored.status !== move.from)
		return { result: { outcome: 'not-allowed', status: stored.status }, edited: false };
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
		return {
			result: { outcome: 'needs-confirmation', identifyingDetails: remainingDetails },
			edited: false,
		};
	}
	const submission = edits ? await writeEdits(scope, stored, moderatorId, edits, now) : stored;
	const changes = {
		...decisionColumns(decision, submission, now),
		status: move.to,
		version: submission.version + 1,
		claimedBy: null,
		claimedUntil: null,
	};
	const { submissions } = scope.tables;
	await scope.query.update(submissions).set(changes).where(eq(submissions.id, submission.id));
	const after = { ...submission, ...changes };
	if (after.status === 'approved') await putInLibrary(scope, communitySearchDocument(after));
	else if (submission.status === 'approved')
		await takeOutOfLibrary(scope, `/stories/${submission.slug}`);
	const detail = auditDetail(decision, remainingDetails);
	await appendAuditEvent(
		scope,
		{
			moderatorId,
			submissionId: submission.id,
			action:
				decision.kind === 'publish' && decision.contentWarnings
					? 'publish-with-warnings'
					: decision.kind,
			reason:
				decision.kind === 'decline'
					? decision.reason
					: decision.kind === 'unpublish'
						? decision.note
						: null,
			detail: options.bulk ? { ...detail, bulk: true } : detail,
		},
		now,
	);
	return {
		result: { outcome: 'done', status: after.status, slug: after.slug },
		edited: edits !== null,
	};
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
	store: Store = getStore(),
	now = new Date(),
): Promise<DecisionOutcome> {
	const { result, edited } = await store.transact(async (scope) => {
		const { submission, refused } = await readForChange(scope, id, expectedVersion);
		if (!submission) return { result: refused, edited: false };
		return decideInTransaction(scope, submission, moderatorId, decision, now);
	});
	// Words a redaction removed, or an unpublished story's index entry, must leave the disk too.
	if (result.outcome === 'done' && (edited || decision.kind === 'unpublish'))
		await eraseFromDisk(store);
	return result;
}

/**
 * Declines every listed story that is still waiting (obvious spam), each exactly as a single
 * decline without a note would, audited as one of many; returns how many.
 */
export async function bulkDecline(
	ids: readonly string[],
	moderatorId: string,
	reason: DeclineReasonSlug,
	store: Store = getStore(),
	now = new Date(),
): Promise<number> {
	if (ids.length === 0) return 0;
	const decision: ModerationDecision = { kind: 'decline', reason, note: null };
	return store.transact(async (scope) => {
		const { submissions } = scope.tables;
		let declined = 0;
		const listed = await scope.query
			.select()
			.from(submissions)
			.where(inArray(submissions.id, [...ids]));
		for (const stored of listed) {
			const { result } = await decideInTransaction(scope, stored, moderatorId, decision, now, {
				bulk: true,
			});
			if (result.outcome === 'done') declined += 1;
		}
		return declined;
	});
}
