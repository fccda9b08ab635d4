import { sqliteStore } from '../../db/store.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seedLibrary, type SeededLibrary } from '../../scripts/bench/seed-library.ts';
import { SEARCH_QUERIES } from '../../scripts/bench/synthetic-stories.ts';
import { countListings, findListing, listStory } from '../../src/lib/server/community-listings.ts';
import { searchPublished } from '../../src/lib/server/search-index.ts';
import { findStoryByReceipt } from '../../src/lib/server/submissions.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

const STORIES = 40;
/** Three batches: the worker threads make them. */
const BATCH_SIZE = 16;

describe('seedLibrary', () => {
	let temp: TempDatabase;
	let seeded: SeededLibrary;
	beforeAll(async () => {
		temp = createTempDatabase();
		seeded = await seedLibrary(temp.database, { stories: STORIES, batchSize: BATCH_SIZE });
	}, 60_000);
	afterAll(() => temp?.remove());

	it('lists every story exactly as publishing lists it', async () => {
		expect(await countListings({ topic: null, milestone: null }, sqliteStore(temp.database))).toBe(
			STORIES,
		);
		for (const slug of seeded.slugs.slice(0, 10)) {
			const seededListing = await findListing(slug, sqliteStore(temp.database));
			const { listing: published } = await sqliteStore(temp.database).transact((scope) =>
				listStory(scope, slug),
			);
			expect(seededListing).toEqual(published);
		}
	});

	it('indexes every story for search', async () => {
		const { indexed } = temp.database.get<{ indexed: number }>(
			sql`SELECT count(*) AS indexed FROM search_index WHERE kind = 'community'`,
		);
		expect(indexed).toBe(STORIES);
		const { total } = await searchPublished(
			{ query: SEARCH_QUERIES.common, page: 1 },
			sqliteStore(temp.database),
		);
		expect(total).toBeGreaterThan(STORIES / 2);
	});

	it('returns receipt codes that open their own published stories', async () => {
		expect(seeded.receipts.length).toBeGreaterThan(1);
		for (const { slug, receiptCode } of seeded.receipts) {
			const story = await findStoryByReceipt(receiptCode, sqliteStore(temp.database));
			expect(story?.slug).toBe(slug);
			expect(story?.status).toBe('approved');
		}
	});

	it('puts the file back in WAL mode with full syncs after seeding a fresh file', () => {
		expect(temp.database.$client.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(temp.database.$client.pragma('synchronous', { simple: true })).toBe(2);
	});

	it('makes the same texts from the same seed', async () => {
		const again = createTempDatabase();
		try {
			const other = await seedLibrary(again.database, {
				stories: STORIES,
				batchSize: BATCH_SIZE,
			});
			expect(other.slugs).toEqual(seeded.slugs);
			const titles = (database: TempDatabase['database']) =>
				database.all<{ title: string }>(sql`SELECT title FROM submissions ORDER BY slug`);
			expect(titles(again.database)).toEqual(titles(temp.database));
		} finally {
			again.remove();
		}
	}, 60_000);
});
