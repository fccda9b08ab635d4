import { and, eq, gt, isNotNull } from 'drizzle-orm';
import { submissions } from '../schema.ts';
import { markPagesChangedSqlite } from '../../src/lib/server/page-generations.ts';
import { communitySearchDocument, indexForSearchSqlite } from '../../src/lib/server/search.ts';
import type { DataStep } from '../data-steps.ts';

/**
 * Indexes every published community story again, by the rowids of migration 0021 (publish
 * time, then path). That migration made the index again empty; this also covers the refill
 * migration 0019 asked for, which the server used to do at every start after counting the
 * index. `indexForSearch` replaces by path, so a story a moderator published or edited while
 * this ran is never indexed twice.
 */
export const reindexCommunitySearch: DataStep = {
	name: 'reindex-community-search-by-publish-time',
	runBatch(transaction, after, batchSize) {
		const rows = transaction
			.select({
				id: submissions.id,
				slug: submissions.slug,
				title: submissions.title,
				body: submissions.body,
				topics: submissions.topics,
				publishedAt: submissions.publishedAt,
			})
			.from(submissions)
			.where(
				and(
					gt(submissions.id, after ?? ''),
					eq(submissions.status, 'approved'),
					isNotNull(submissions.slug),
				),
			)
			.orderBy(submissions.id)
			.limit(batchSize)
			.all();
		for (const row of rows) indexForSearchSqlite(transaction, communitySearchDocument(row));
		// A process already running may have cached a search page without these stories.
		if (rows.length > 0) markPagesChangedSqlite(transaction);
		return rows.length < batchSize ? null : rows.at(-1)!.id;
	},
};
