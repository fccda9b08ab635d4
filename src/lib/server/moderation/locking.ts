/** Optimistic locking for moderators' changes: a change made on an old version writes nothing. */
import { eq } from 'drizzle-orm';
import type { submissions, SubmissionStatus } from '../../../../db/schema.ts';
import type { Scope } from '../../../../db/store.ts';

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
export async function readForChange(
	{ query, tables: { submissions } }: Scope,
	id: string,
	expectedVersion: number,
): Promise<
	| { submission: SubmissionRow; refused?: never }
	| { submission?: never; refused: ModerationOutcome }
> {
	const [submission] = await query
		.select()
		.from(submissions)
		.where(eq(submissions.id, id))
		.limit(1);
	if (!submission) return { refused: { outcome: 'not-found' } };
	if (submission.version !== expectedVersion) {
		return { refused: { outcome: 'conflict', currentVersion: submission.version } };
	}
	return { submission };
}
