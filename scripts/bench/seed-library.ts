/**
 * Writes a SYNTHETIC library into a database (synthetic-stories.ts makes the stories): the
 * stories, their receipt hashes, their listings and their search-index rows, as publishing
 * writes them. Fast enough for a million stories: worker threads render the batches while
 * this thread writes the previous one, each batch is one transaction, and a fresh file is
 * written without syncs or a write-ahead log (restored afterwards; a crash mid-seed leaves
 * a file to delete, never a live database at risk: only a file without stories gets this).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { count } from 'drizzle-orm';
import type { Database, Queryable } from '../../db/client.ts';
import { communityListings, submissionReceipts, submissions } from '../../db/schema.ts';
import { communitySearchDocument, indexForSearchSqlite } from '../../src/lib/server/search.ts';
import type { SeedBatchRequest } from './seed-worker.ts';
import {
	syntheticSlugs,
	syntheticStoryRows,
	type SyntheticStoryRows,
} from './synthetic-stories.ts';

/** Stories per transaction (and per message to a worker), unless told otherwise. */
const SEED_BATCH = 5_000;
/** Rows per INSERT statement: well under SQLite's limit on bound parameters. */
const INSERT_CHUNK = 250;
/** Stories whose receipt codes the seeder returns (to withdraw one through the site). */
const KEPT_RECEIPT_CODES = 5;
/** Page cache while seeding (KiB, as SQLite's negative cache_size): index inserts stay in memory. */
const SEEDING_CACHE_KIB = 256 * 1024;

export interface SeededLibrary {
	/** Every story's slug, in the order written. */
	slugs: string[];
	/** A few published stories and the receipt codes that withdraw them. */
	receipts: { slug: string; receiptCode: string }[];
}

export interface SeedOptions {
	stories: number;
	/** The same seed and batch size make the same texts and slugs. */
	seed?: number;
	/** Stories per transaction and per worker message (tests use small ones). */
	batchSize?: number;
	/** Called after each committed batch with the stories written so far. */
	onProgress?: (written: number) => void;
}

/** True when the database holds no story at all. */
function holdsNoStories(database: Database): boolean {
	const [row] = database.select({ stories: count() }).from(submissions).all();
	return (row?.stories ?? 0) === 0;
}

function insertInChunks<T>(rows: readonly T[], insert: (chunk: T[]) => void): void {
	for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
		insert(rows.slice(start, start + INSERT_CHUNK));
	}
}

function writeBatch(transaction: Queryable, batch: readonly SyntheticStoryRows[]): void {
	insertInChunks(batch, (chunk) => {
		transaction
			.insert(submissions)
			.values(chunk.map((rows) => rows.submission))
			.run();
		transaction
			.insert(submissionReceipts)
			.values(
				chunk.map((rows) => ({ receiptHash: rows.receiptHash, submissionId: rows.submission.id })),
			)
			.run();
		// The triggers of migration 0020 add the topic rows and counts, as for any listing.
		transaction
			.insert(communityListings)
			.values(chunk.map((rows) => rows.listing))
			.run();
	});
	// SEARCH INDEX: the call publishing makes (library-changes.ts putInLibrary), one per story,
	// so the index rows are exactly what the site writes. Swap here if search indexing changes.
	for (const { submission } of batch)
		indexForSearchSqlite(transaction, communitySearchDocument(submission));
}

/** Runs `write` with syncs and the write-ahead log off, then puts the file back as it was. */
async function withFastWrites<T>(database: Database, write: () => Promise<T>): Promise<T> {
	const client = database.$client;
	const saved = {
		synchronous: client.pragma('synchronous', { simple: true }) as number,
		cacheSize: client.pragma('cache_size', { simple: true }) as number,
	};
	client.pragma('journal_mode = MEMORY');
	client.pragma('synchronous = OFF');
	client.pragma(`cache_size = -${SEEDING_CACHE_KIB}`);
	try {
		return await write();
	} finally {
		client.pragma(`cache_size = ${saved.cacheSize}`);
		client.pragma(`synchronous = ${saved.synchronous}`);
		client.pragma('journal_mode = WAL');
	}
}

interface BatchMaker {
	make(request: SeedBatchRequest): Promise<SyntheticStoryRows[]>;
	stop(): Promise<unknown>;
}

/** A batch maker on this thread: one batch is not worth starting a worker for. */
const makeHere: BatchMaker = {
	make: async (request) => syntheticStoryRows(request),
	stop: async () => undefined,
};

/** A batch maker: a pool of seed workers, each answering in the order it was asked. */
function startWorkers(size: number): BatchMaker {
	const workers = Array.from({ length: size }, () => {
		const worker = new Worker(new URL('./seed-worker.ts', import.meta.url));
		const waiting: {
			resolve: (rows: SyntheticStoryRows[]) => void;
			reject: (error: Error) => void;
		}[] = [];
		worker.on('message', (rows: SyntheticStoryRows[]) => waiting.shift()!.resolve(rows));
		worker.on('error', (error: Error) => {
			for (const request of waiting.splice(0)) request.reject(error);
		});
		return { worker, waiting };
	});
	let next = 0;
	return {
		make(request: SeedBatchRequest): Promise<SyntheticStoryRows[]> {
			const { worker, waiting } = workers[next++ % workers.length]!;
			return new Promise((resolve, reject) => {
				waiting.push({ resolve, reject });
				worker.postMessage(request);
			});
		},
		stop: () => Promise.all(workers.map(({ worker }) => worker.terminate())),
	};
}

/**
 * Makes the batches of a SYNTHETIC library of `options.stories` stories on worker threads
 * and hands each to `write`, in order, one at a time, while the workers make the next ones.
 * Engine-neutral: seedLibrary writes the batches to SQLite, seed-library-postgres.ts to
 * PostgreSQL.
 */
export async function writeSyntheticBatches(
	options: SeedOptions,
	write: (batch: readonly SyntheticStoryRows[]) => Promise<void> | void,
): Promise<SeededLibrary> {
	const seed = options.seed ?? 7;
	const slugs = syntheticSlugs(options.stories, seed);
	const now = Date.now();
	const batchSize = options.batchSize ?? SEED_BATCH;
	const batches = Math.ceil(slugs.length / batchSize);
	const workerCount = Math.min(availableParallelism(), batches);
	const receipts: SeededLibrary['receipts'] = [];
	const workers = batches > 1 ? startWorkers(workerCount) : makeHere;
	try {
		const request = (batchIndex: number) =>
			workers.make({
				seed,
				batchIndex,
				slugs: slugs.slice(batchIndex * batchSize, (batchIndex + 1) * batchSize),
				now,
				keepReceiptCodes: batchIndex === 0 ? KEPT_RECEIPT_CODES : 0,
			});
		// Each worker has one batch queued behind the one it is making.
		const inFlight: Promise<SyntheticStoryRows[]>[] = [];
		let requested = 0;
		for (; requested < Math.min(batches, Math.max(1, workerCount) * 2); requested++) {
			inFlight.push(request(requested));
		}
		for (let written = 0; written < batches; written++) {
			const batch = await inFlight.shift()!;
			if (requested < batches) inFlight.push(request(requested++));
			await write(batch);
			for (const rows of batch) {
				if (rows.receiptCode) {
					receipts.push({ slug: rows.submission.slug, receiptCode: rows.receiptCode });
				}
			}
			options.onProgress?.(Math.min((written + 1) * batchSize, slugs.length));
		}
	} finally {
		await workers.stop();
	}
	return { slugs, receipts };
}

/**
 * Seeds `stories` SYNTHETIC published community stories into a migrated database. A file
 * without stories is written with fast (unsafe) settings, restored afterwards; a file that
 * has stories is written with its own settings.
 */
export async function seedLibrary(
	database: Database,
	options: SeedOptions,
): Promise<SeededLibrary> {
	const seedAll = () =>
		writeSyntheticBatches(options, (batch) =>
			database.transaction((transaction) => writeBatch(transaction, batch), {
				behavior: 'immediate',
			}),
		);
	return holdsNoStories(database) ? withFastWrites(database, seedAll) : seedAll();
}
