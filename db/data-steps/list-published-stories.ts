import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import { listableColumnsOf, listingOf } from '../../src/lib/server/community-listings.ts';
import { markPagesChangedSqlite } from '../../src/lib/server/page-generations.ts';
import type { DataStep } from '../data-steps.ts';
import { communityListings, submissions } from '../schema.ts';

/**
 * Writes the listing (summary, reading time, topic rows, counts) of every story published
 * before listings existed, so lists never derive them from full texts again. (Data steps run
 * on SQLite only: a PostgreSQL database starts with listings.)
 */
export const listPublishedStories: DataStep = {
	name: 'list-published-community-stories',
	runBatch(transaction, after, batchSize) {
		const stories = transaction
			.select(listableColumnsOf(submissions))
			.from(submissions)
			.where(
				and(
					eq(submissions.status, 'approved'),
					isNotNull(submissions.publishedAt),
					gt(submissions.slug, after ?? ''),
				),
			)
			.orderBy(asc(submissions.slug))
			.limit(batchSize)
			.all();
		for (const story of stories) {
			transaction
				.insert(communityListings)
				.values(listingOf({ ...story, slug: story.slug!, publishedAt: story.publishedAt! }))
				.onConflictDoNothing()
				.run();
		}
		// Pages cached by a process that is already running were rendered without them.
		markPagesChangedSqlite(transaction);
		return stories.length < batchSize ? null : stories.at(-1)!.slug;
	},
};
