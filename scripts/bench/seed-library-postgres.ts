/**
 * seed-library.ts on PostgreSQL: the same SYNTHETIC stories (the same workers make them),
 * written through the PostgreSQL schema in multi-row INSERTs, one transaction per batch of
 * SEED_BATCH.
 * The rows are the ones publishing writes, by the same code: the submission and its
 * receipt hash as syntheticStoryRows makes them (as for SQLite), the listing from the same
 * `listingOf` (migration 0003's triggers add its topic rows and counts, as for any
 * listing), and the search row through indexAllForSearchPostgres, the multi-row form of the
 * indexForSearchPostgres publishing calls (the same row, the same upsert).
 */
import { sql } from 'drizzle-orm';
import { communityListings, submissionReceipts, submissions } from '../../db/schema-pg.ts';
import { postgresOf, type PostgresQueryable, type Store } from '../../db/store.ts';
import { communitySearchDocument } from '../../src/lib/server/search.ts';
import { indexAllForSearchPostgres } from '../../src/lib/server/search-postgres.ts';
import { writeSyntheticBatches, type SeededLibrary, type SeedOptions } from './seed-library.ts';
import type { SyntheticStoryRows } from './synthetic-stories.ts';

/**
 * Rows per INSERT: PostgreSQL binds at most 65,535 parameters a statement, and the widest
 * row here (a submission) takes about 15.
 */
const INSERT_CHUNK = 1_000;
/**
 * Stories per transaction: fewer than SQLite's 5,000. Every listing's trigger updates the
 * same few count rows, and each update of a row within one transaction leaves a version
 * the next one steps over until the commit (10,000 stories: 6.7 s of listing inserts in
 * batches of 5,000, 4.4 s in batches of 500).
 */
const SEED_BATCH = 1_000;

async function insertInChunks<T>(
	rows: readonly T[],
	insert: (chunk: T[]) => Promise<unknown>,
): Promise<void> {
	for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
		await insert(rows.slice(start, start + INSERT_CHUNK));
	}
}

async function writeBatch(
	transaction: PostgresQueryable,
	batch: readonly SyntheticStoryRows[],
): Promise<void> {
	// Only the seed waits for this commit's flush; nothing is acknowledged to anyone.
	await transaction.execute(sql`SET LOCAL synchronous_commit = off`);
	await insertInChunks(batch, async (chunk) => {
		await transaction.insert(submissions).values(chunk.map((rows) => rows.submission));
		await transaction.insert(submissionReceipts).values(
			chunk.map((rows) => ({
				receiptHash: rows.receiptHash,
				submissionId: rows.submission.id,
			})),
		);
		await transaction.insert(communityListings).values(chunk.map((rows) => rows.listing));
		await indexAllForSearchPostgres(
			transaction,
			chunk.map((rows) => communitySearchDocument(rows.submission)),
		);
	});
}

/**
 * Seeds `options.stories` SYNTHETIC published community stories into a migrated PostgreSQL
 * database through `store`, then VACUUM ANALYZE: the planner's statistics and the
 * visibility map of a database that has been running a while, not of one loaded a moment
 * ago (autovacuum would get there on its own, at a time of its choosing mid-measurement).
 */
export async function seedLibraryPostgres(
	store: Store,
	options: SeedOptions,
): Promise<SeededLibrary> {
	if (store.engine !== 'postgres') throw new Error('seedLibraryPostgres needs a PostgreSQL store.');
	const seeded = await writeSyntheticBatches({ batchSize: SEED_BATCH, ...options }, (batch) =>
		store.transact((scope) => writeBatch(postgresOf(scope), batch)),
	);
	await store.read((scope) => postgresOf(scope).execute(sql`VACUUM ANALYZE`));
	return seeded;
}
