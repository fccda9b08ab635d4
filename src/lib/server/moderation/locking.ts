/** Optimistic locking for moderators' changes: a change made on an old version writes nothing. */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../../db/client.ts';
import { submissions, type SubmissionStatus } from '../../../../db/schema.ts';

export type ModerationOutcome =
	| { outcome: 'done'; status: SubmissionStatus; slug: string | null }
	| { outcome: 'not-found' }
	| { outcome: 'conflict'; currentVersion: number }
	| { outcome: 'not-allowed'; status: SubmissionStatus };

export type SubmissionRow = typeof submissions.$inferSelect;

/**
 * The story to change, read inside the transaction: or the outcome to return at once when
 * it is gone or has moved on since `expectedVersion`.
 */
export function readForChange(
	transaction: Queryable,
	id: string,
	expectedVersion: number,
):
	| { submission: SubmissionRow; refused?: never }
	| { submission?: never; refused: ModerationOutcome } {
	const submission = transaction.select().from(submissions).where(eq(submissions.id, id)).get();
	if (!submission) return { refused: { outcome: 'not-found' } };
	if (submission.version !== expectedVersion) {
		return { refused: { outcome: 'conflict', currentVersion: submission.version } };
	}
	return { submission };
}
