/** A moderator's edits (redaction) of a story's text, pen name, topics and warnings. */
import { eq } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../../db/client.ts';
import { submissions } from '../../../../db/schema.ts';
import type { StoryDraft } from '../../story-draft.ts';
import { appendAuditEvent, changedTextFields } from '../audit.ts';
import { eraseFromDisk } from '../erasure.ts';
import { putInLibrary } from '../library-changes.ts';
import { communitySearchDocument } from '../search.ts';
import { draftColumns } from '../submissions.ts';
import { readForChange, type ModerationOutcome, type SubmissionRow } from './locking.ts';

/** Whether a draft says something other than what is stored (an unchanged form is no edit). */
export function changesStory(submission: SubmissionRow, draft: StoryDraft): boolean {
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
 * Writes a moderator's edit inside `transaction` and audits the names of the fields it
 * changed, never the text itself; returns the row as it now stands.
 */
export function writeEdits(
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
