/** A moderator's edits (redaction) of a story's text, pen name, topics and warnings. */
import { eq } from 'drizzle-orm';
import { getStore, type Scope, type Store } from '../../../../db/store.ts';
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
export async function writeEdits(
	scope: Scope,
	submission: SubmissionRow,
	moderatorId: string,
	draft: StoryDraft,
	now: Date,
): Promise<SubmissionRow> {
	const { submissions } = scope.tables;
	const columns = { ...draftColumns(draft), version: submission.version + 1 };
	await scope.query.update(submissions).set(columns).where(eq(submissions.id, submission.id));
	const edited = { ...submission, ...columns };
	if (submission.status === 'approved') await putInLibrary(scope, communitySearchDocument(edited));
	await appendAuditEvent(
		scope,
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
	store: Store = getStore(),
	now = new Date(),
): Promise<ModerationOutcome> {
	const outcome = await store.transact(async (scope): Promise<ModerationOutcome> => {
		const { submission, refused } = await readForChange(scope, id, expectedVersion);
		if (!submission) return refused;
		// A tombstone (withdrawn, or declined past retention) never gets text back.
		if (submission.status === 'withdrawn' || submission.textErased)
			return { outcome: 'not-allowed', status: submission.status };
		await writeEdits(scope, submission, moderatorId, draft, now);
		return { outcome: 'done', status: submission.status, slug: submission.slug };
	});
	// A redaction: the words removed must not survive in any file.
	if (outcome.outcome === 'done') await eraseFromDisk(store);
	return outcome;
}
