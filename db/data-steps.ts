import { sql } from 'drizzle-orm';
import type { Database, Queryable } from './client.ts';
import { listPublishedStories } from './data-steps/list-published-stories.ts';
import { reindexCommunitySearch } from './data-steps/reindex-community-search.ts';
import { rerenderStoryHtml } from './data-steps/rerender-story-html.ts';

/**
 * A one-off change to stored rows that SQL alone cannot make (rendering Markdown, say).
 * It runs once per database, after the schema migrations, in batches: each call handles
 * the rows after `after` (a key the step chooses, `null` at the start) and returns the last
 * key it handled, or `null` once nothing is left.
 */
export interface DataStep {
	/** Recorded once the step is done; never rename a step that has shipped. */
	name: string;
	runBatch(transaction: Queryable, after: string | null, batchSize: number): string | null;
}

/** Every data step, oldest first. A new step goes at the end. */
export const DATA_STEPS: readonly DataStep[] = [
	rerenderStoryHtml,
	reindexCommunitySearch,
	listPublishedStories,
];

const BATCH_SIZE = 200;

/**
 * Runs the data steps this database has not finished, and returns how many it finished.
 * Each batch is its own `BEGIN IMMEDIATE` transaction that reads the step's progress
 * first, so two processes starting together take turns batch by batch and no row is
 * handled twice; a crash between batches resumes after the last committed one; and
 * requests are never held up for more than one batch.
 */
export function runDataSteps(
	database: Database,
	steps: readonly DataStep[] = DATA_STEPS,
	batchSize = BATCH_SIZE,
): number {
	database.run(sql`
		CREATE TABLE IF NOT EXISTS __data_steps (
			name TEXT PRIMARY KEY,
			position TEXT,
			done INTEGER NOT NULL DEFAULT 0
		)`);
	let finished = 0;
	for (const step of steps) {
		for (;;) {
			const outcome = database.transaction(
				(transaction) => {
					const [progress] = transaction.all<{ position: string | null; done: number }>(
						sql`SELECT position, done FROM __data_steps WHERE name = ${step.name}`,
					);
					if (progress?.done) return 'done before';
					const last = step.runBatch(transaction, progress?.position ?? null, batchSize);
					transaction.run(sql`
						INSERT INTO __data_steps (name, position, done) VALUES (${step.name}, ${last}, ${last === null ? 1 : 0})
						ON CONFLICT (name) DO UPDATE SET position = excluded.position, done = excluded.done`);
					return last === null ? 'finished' : 'more';
				},
				{ behavior: 'immediate' },
			);
			if (outcome === 'finished') finished += 1;
			if (outcome !== 'more') break;
		}
	}
	return finished;
}
