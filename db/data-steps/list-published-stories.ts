import { listUnlistedStories } from '../../src/lib/server/community-listings.ts';
import { markPagesChanged } from '../../src/lib/server/page-generations.ts';
import type { DataStep } from '../data-steps.ts';

/**
 * Writes the listing (summary, reading time, topic rows, counts) of every story published
 * before listings existed, so lists never derive them from full texts again.
 */
export const listPublishedStories: DataStep = {
	name: 'list-published-community-stories',
	runBatch(transaction, after, batchSize) {
		const last = listUnlistedStories(transaction, after, batchSize);
		// Pages cached by a process that is already running were rendered without them.
		markPagesChanged(transaction);
		return last;
	},
};
