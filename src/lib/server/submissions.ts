import { createHash, createHmac, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { SubmissionStatus } from '../../../db/schema.ts';
import { getStore, type Scope, type Store } from '../../../db/store.ts';
import { isoDay, startOfUtcDay } from '../dates.ts';
import { renderUserMarkdown } from '../markdown.ts';
import { generateReceiptCode, hashReceiptCode, normalizeReceiptCode } from '../receipt-codes.ts';
import type { StoryDraft } from '../story-draft.ts';
import { canTransition, isEditableByWriter } from '../submission-status.ts';
import type { ContentWarningSlug, MilestoneSlug, TopicSlug } from '../taxonomy.ts';
import { appendAuditEvent, changedTextFields } from './audit.ts';
import { eraseFromDisk } from './erasure.ts';
import { takeOutOfLibrary } from './library-changes.ts';

/**
 * What folds a double submission into one row: title and body keyed with the form token the
 * server issued when the form was shown. Privacy: only the writer's browser holds the token,
 * so another person's identical text never matches (and never gets a receipt for this row),
 * and without the token the stored value cannot confirm a guessed text.
 */
function resubmissionKey(draft: Pick<StoryDraft, 'title' | 'body'>, formToken: string): string {
	return createHmac('sha256', formToken)
		.update(`${draft.title}\u0000${draft.body}`)
		.digest('base64url');
}

/**
 * The id of the story a form sends on a day, so that a double post finds the first copy by
 * its primary key. On PostgreSQL `submissions` is split into partitions by id (migration
 * 0006): a search by resubmission key reads an index in each of them, and under
 * SERIALIZABLE such a read conflicts with almost every story inserted alongside it
 * (measured: 64 stories/s at 50 at once, some failing after 5 s of retries). Keyed by the
 * form token through the resubmission key, so it confirms no guessed text.
 */
function formSubmissionId(resubmissionKey: string, day: string): string {
	return createHash('sha256')
		.update(`${resubmissionKey}\u0000${day}`)
		.digest('base64url')
		.slice(0, 22);
}

/**
 * The columns a draft sets, its HTML rendered and sanitized by the one Markdown module.
 * Shared by writers' and moderators' edits.
 */
export function draftColumns(draft: StoryDraft) {
	return {
		title: draft.title,
		body: draft.body,
		bodyHtml: renderUserMarkdown(draft.body),
		penName: draft.penName,
		topics: draft.topics,
		contentWarnings: draft.contentWarnings,
		milestone: draft.milestone ?? null,
	};
}

/**
 * Stores a new story as pending and returns its receipt code, the only time the code
 * exists in readable form. The same title and body posted again the same day from the same
 * form (`formToken`), while the first copy still waits, stays one row; the repeat gets its
 * own working code for it. Without a form token every story is a new row.
 */
export async function receiveStory(
	draft: StoryDraft,
	store: Store = getStore(),
	formToken: string | null = null,
): Promise<{ receiptCode: string }> {
	const receiptCode = generateReceiptCode();
	const fields = {
		...draftColumns(draft),
		resubmissionKey: formToken === null ? null : resubmissionKey(draft, formToken),
	};
	// Today in UTC: the only time a submission records.
	const createdDay = isoDay(new Date());
	// Shares its commit (and its wait for the disk) with the stories arriving alongside it.
	await store.transact(async ({ query, tables: { submissions, submissionReceipts } }) => {
		let submissionId = randomBytes(16).toString('base64url');
		let firstCopy = true;
		if (fields.resubmissionKey !== null) {
			const formId = formSubmissionId(fields.resubmissionKey, createdDay);
			const [first] = await query
				.select({ status: submissions.status })
				.from(submissions)
				.where(eq(submissions.id, formId))
				.limit(1);
			if (!first || first.status === 'pending') {
				submissionId = formId;
				firstCopy = !first;
			} else {
				// The form's first story was decided or withdrawn today: a copy still waiting
				// is found by its key (rare, so the slower search is fine here).
				const [waiting] = await query
					.select({ id: submissions.id })
					.from(submissions)
					.where(
						and(
							eq(submissions.resubmissionKey, fields.resubmissionKey),
							eq(submissions.createdDay, createdDay),
							eq(submissions.status, 'pending'),
						),
					)
					.limit(1);
				if (waiting) [submissionId, firstCopy] = [waiting.id, false];
			}
		}
		if (firstCopy) {
			await query.insert(submissions).values({ id: submissionId, ...fields, createdDay });
		}
		await query
			.insert(submissionReceipts)
			.values({ receiptHash: hashReceiptCode(normalizeReceiptCode(receiptCode)!), submissionId });
	});
	return { receiptCode };
}

/** What a writer sees of their own story at /my-story. */
export interface WriterStoryView {
	status: SubmissionStatus;
	title: string;
	body: string;
	penName: string | null;
	topics: TopicSlug[];
	contentWarnings: ContentWarningSlug[];
	milestone: MilestoneSlug | null;
	slug: string | null;
	decisionReason: string | null;
	decisionNote: string | null;
	createdDay: string;
	/** When a moderator declined it: its text is erased DECLINED_RETENTION_DAYS later. */
	declinedAt: Date | null;
	/** Withdrawn, or declined and past retention: only the status and reason remain. */
	textErased: boolean;
	editable: boolean;
}

async function findSubmissionByReceipt(
	code: string,
	{ query, tables: { submissions, submissionReceipts } }: Scope,
) {
	const canonical = normalizeReceiptCode(code);
	// A malformed code still costs one hash and one indexed read, like a wrong one.
	const receiptHash = hashReceiptCode(canonical ?? code);
	const [row] = await query
		.select({ submission: submissions })
		.from(submissionReceipts)
		.innerJoin(submissions, eq(submissions.id, submissionReceipts.submissionId))
		.where(eq(submissionReceipts.receiptHash, receiptHash))
		.limit(1);
	return canonical && row ? row.submission : null;
}

/** The story a receipt code belongs to, or `null` for any code that is not one of ours. */
export async function findStoryByReceipt(
	code: string,
	store: Store = getStore(),
): Promise<WriterStoryView | null> {
	const submission = await store.read((scope) => findSubmissionByReceipt(code, scope));
	if (!submission) return null;
	return {
		status: submission.status,
		title: submission.title,
		body: submission.body,
		penName: submission.penName,
		topics: submission.topics,
		contentWarnings: submission.contentWarnings,
		milestone: submission.milestone,
		slug: submission.slug,
		decisionReason: submission.decisionReason,
		decisionNote: submission.decisionNote,
		createdDay: submission.createdDay,
		declinedAt: submission.declinedAt,
		textErased: submission.textErased,
		editable: isEditableByWriter(submission.status) && !submission.textErased,
	};
}

export type WriterChangeOutcome = 'done' | 'not-found' | 'not-allowed';

/**
 * Replaces the text of a story that waits for review, or resubmits a declined one
 * (back to pending, the old decision cleared). Bumps the version so a moderator working
 * on the previous text is told it changed. The replaced words are erased from disk.
 */
export async function reviseStory(
	code: string,
	draft: StoryDraft,
	store: Store = getStore(),
): Promise<WriterChangeOutcome> {
	const outcome = await store.transact(async (scope): Promise<WriterChangeOutcome> => {
		const { submissions } = scope.tables;
		const submission = await findSubmissionByReceipt(code, scope);
		if (!submission) return 'not-found';
		if (!isEditableByWriter(submission.status) || submission.textErased) return 'not-allowed';
		const resubmitting = submission.status === 'rejected';
		if (resubmitting && !canTransition('rejected', 'pending', 'writer')) return 'not-allowed';
		await scope.query
			.update(submissions)
			.set({
				...draftColumns(draft),
				// A revised text is no longer the one a repeated form post would carry.
				resubmissionKey: null,
				status: 'pending',
				decisionReason: resubmitting ? null : submission.decisionReason,
				decisionNote: resubmitting ? null : submission.decisionNote,
				declinedAt: null,
				version: submission.version + 1,
			})
			.where(eq(submissions.id, submission.id));
		await appendAuditEvent(
			scope,
			{
				submissionId: submission.id,
				action: resubmitting ? 'writer-resubmitted' : 'writer-revised',
				detail: { changed: changedTextFields(submission, draft) },
			},
			startOfUtcDay(new Date()),
		);
		return 'done';
	});
	await eraseFromDisk(store);
	return outcome;
}

/**
 * Turns a story into a tombstone that keeps no text: title, text, pen name, topics,
 * warnings, milestone, resubmission key, the moderator's note and readers' report notes are
 * erased; status, created day and decision reason stay (monthly counts use them). Runs in
 * the caller's transaction; the caller then calls eraseFromDisk.
 */
export async function eraseStoryText(
	{ query, tables: { submissions, reports } }: Scope,
	submissionId: string,
): Promise<void> {
	await query
		.update(submissions)
		.set({
			title: '',
			body: '',
			bodyHtml: '',
			penName: null,
			topics: [],
			contentWarnings: [],
			milestone: null,
			resubmissionKey: null,
			decisionNote: null,
			declinedAt: null,
			textErased: true,
		})
		.where(eq(submissions.id, submissionId));
	await query.update(reports).set({ note: null }).where(eq(reports.submissionId, submissionId));
}

/**
 * Withdraws a story at any status: title, text, pen name, topics, warnings and the
 * resubmission key are erased from every file (eraseFromDisk), reader notes about it are
 * cleared, and only a content-free tombstone stays for the audit trail.
 */
export async function withdrawStory(
	code: string,
	store: Store = getStore(),
): Promise<WriterChangeOutcome> {
	const outcome = await store.transact(async (scope): Promise<WriterChangeOutcome> => {
		const { submissions } = scope.tables;
		const submission = await findSubmissionByReceipt(code, scope);
		if (!submission) return 'not-found';
		if (submission.status === 'withdrawn') return 'done';
		if (!canTransition(submission.status, 'withdrawn', 'writer')) return 'not-allowed';
		await eraseStoryText(scope, submission.id);
		await scope.query
			.update(submissions)
			.set({ decisionReason: null, status: 'withdrawn', version: submission.version + 1 })
			.where(eq(submissions.id, submission.id));
		if (submission.slug) await takeOutOfLibrary(scope, `/stories/${submission.slug}`);
		await appendAuditEvent(
			scope,
			{ submissionId: submission.id, action: 'writer-withdrew' },
			startOfUtcDay(new Date()),
		);
		return 'done';
	});
	await eraseFromDisk(store);
	return outcome;
}
