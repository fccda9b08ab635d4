import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgresStore, postgresOf, selectRows, type Store } from '../../db/store.ts';
import { seedLibraryPostgres } from '../../scripts/bench/seed-library-postgres.ts';
import type { SeededLibrary } from '../../scripts/bench/seed-library.ts';
import { SEARCH_QUERIES } from '../../scripts/bench/synthetic-stories.ts';
import {
	countListings,
	countListingsByTopic,
	findListing,
	listStory,
} from '../../src/lib/server/community-listings.ts';
import { searchPublished } from '../../src/lib/server/search-index.ts';
import { communitySearchDocument } from '../../src/lib/server/search.ts';
import { indexForSearchPostgres } from '../../src/lib/server/search-postgres.ts';
import { findStoryByReceipt } from '../../src/lib/server/submissions.ts';
import { usePostgresCluster } from '../helpers/postgres-cluster.ts';

const STORIES = 40;
/** Three batches: the worker threads make them. */
const BATCH_SIZE = 16;

type IndexRow = Record<string, unknown>;

/** A story's search row as stored, the generated tsvector included. */
async function searchRowOf(store: Store, path: string): Promise<IndexRow | undefined> {
	const [row] = await store.read((scope) =>
		selectRows<IndexRow>(
			scope,
			sql`SELECT path, kind, topics, title, summary, body, published_at, fingerprint,
				document::text AS document
			FROM search_index WHERE path = ${path}`,
		),
	);
	return row;
}

describe('seedLibraryPostgres', () => {
	const postgres = usePostgresCluster();
	let store: Store;
	let seeded: SeededLibrary;
	beforeAll(async () => {
		store = openPostgresStore(await postgres.cluster.createMigratedDatabase());
		seeded = await seedLibraryPostgres(store, { stories: STORIES, batchSize: BATCH_SIZE });
	}, 120_000);
	afterAll(() => store?.close());

	it('lists every story exactly as publishing lists it, topic rows and counts included', async () => {
		expect(await countListings({ topic: null, milestone: null }, store)).toBe(STORIES);
		const [{ topicRows }] = (await store.read((scope) =>
			selectRows<{ topicRows: number }>(
				scope,
				sql`SELECT count(*)::int AS "topicRows" FROM community_listing_topics`,
			),
		)) as [{ topicRows: number }];
		const byTopic = await countListingsByTopic(store);
		expect([...byTopic.values()].reduce((sum, count) => sum + count, 0)).toBe(topicRows);
		for (const slug of seeded.slugs.slice(0, 10)) {
			const seededListing = await findListing(slug, store);
			const { listing: published } = await store.transact((scope) => listStory(scope, slug));
			expect(seededListing).toEqual(published);
		}
	});

	it('indexes every story as indexForSearchPostgres does', async () => {
		const [{ indexed }] = (await store.read((scope) =>
			selectRows<{ indexed: number }>(
				scope,
				sql`SELECT count(*)::int AS indexed FROM search_index WHERE kind = 'community'`,
			),
		)) as [{ indexed: number }];
		expect(indexed).toBe(STORIES);
		for (const slug of seeded.slugs.slice(0, 5)) {
			const path = `/stories/${slug}`;
			const before = await searchRowOf(store, path);
			const story = await store.read(async ({ query, tables: { submissions } }) => {
				const [row] = await query
					.select()
					.from(submissions)
					.where(sql`${submissions.slug} = ${slug}`);
				return row!;
			});
			await store.transact((scope) =>
				indexForSearchPostgres(postgresOf(scope), communitySearchDocument(story)),
			);
			expect(await searchRowOf(store, path)).toEqual(before);
		}
		const { total } = await searchPublished({ query: SEARCH_QUERIES.common, page: 1 }, store);
		expect(total).toBeGreaterThan(STORIES / 2);
	});

	it('returns receipt codes that open their own published stories', async () => {
		expect(seeded.receipts.length).toBeGreaterThan(1);
		for (const { slug, receiptCode } of seeded.receipts) {
			const story = await findStoryByReceipt(receiptCode, store);
			expect(story?.slug).toBe(slug);
			expect(story?.status).toBe('approved');
		}
	});
});
