/**
 * `npm run bench:scale -- --stories 10000,100000,1000000 [--reuse] [--database postgres]`:
 * how each cost grows with the library (issue 13), on SQLite or on PostgreSQL (a throw-away
 * cluster, started and stopped here). For each size, a database with that many SYNTHETIC stories
 * (seed-library.ts), a fresh built server on it, and: seeding time, time to listening, the
 * first /stories, /stories after a withdrawal made through the site, a deep page, a story
 * page miss, the server's memory after the load, and uncached search p50/p99 on one
 * connection. Prints each figure with its ratio to the smallest size, judges the targets,
 * and writes bench-results/scale-<time>.json.
 *
 * A measurement, not a test: exit 0 whether targets are met or not, 64 on usage errors.
 */
import { createHash } from 'node:crypto';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as wait } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { backupPostgres } from '../db/backup-postgres.ts';
import { openDatabase } from '../db/client.ts';
import { migrateDatabase, MIGRATIONS_FOLDER } from '../db/migrate.ts';
import { POSTGRES_MIGRATIONS_FOLDER } from '../db/migrate-postgres.ts';
import { postgresProgram } from '../db/postgres-programs.ts';
import { openPostgresStore, postgresOf, selectRows, sqliteStore, type Store } from '../db/store.ts';
import { STORIES_PER_PAGE } from '../src/lib/library.ts';
import { PROJECT_ROOT, buildIfStale } from './build.ts';
import { SERVER_BUNDLE } from './server-bundle.ts';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';
import { describeEngine, postgresServerEnv } from './bench/bench-engine.ts';
import { startChildServer } from './bench/child-server.ts';
import { parseScaleArguments, SCALE_USAGE } from './bench/scale-arguments.ts';
import {
	deepPageFor,
	evaluateScaleTargets,
	formatScaleTable,
	formatScaleTargets,
	quantile,
	type ScaleFigures,
} from './bench/scale-report.ts';
import { seedLibrary, type SeededLibrary } from './bench/seed-library.ts';
import { seedLibraryPostgres } from './bench/seed-library-postgres.ts';
import { createSearchQueryPool, searchPath } from './bench/synthetic-stories.ts';

/**
 * Uncached searches: untimed warm-up, then timed, all distinct, one connection. The
 * warm-up is long enough for V8 to optimise the search path of a fresh server (with 20,
 * the 10,000-story p99 read 29–34 ms where `npm run bench`, warmed for seconds, read 13).
 */
const SEARCH_WARMUP = 200;
const SEARCH_TIMED = 300;
const SEARCH_QUERIES_SEED = 31;

/** Limits high enough that the benchmark's own requests are never refused. */
const RELAXED_LIMITS = {
	LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS_PER_HOUR: '100000000',
};

const SEEDED_FOLDER = resolve(PROJECT_ROOT, 'bench-results/seeded');

interface SeededFile {
	path: string;
	seedingSeconds: number;
	cached: boolean;
	receipts: SeededLibrary['receipts'];
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	console.log(SCALE_USAGE);
	process.exit(0);
}
const parsed = parseScaleArguments(args);
if (!parsed.ok) {
	console.error(`${parsed.error}\n\n${SCALE_USAGE}`);
	process.exit(64);
}
const { stories: sizes, reuse, database: engine } = parsed.value;

/** The migrations' fingerprint: a cached file seeded under another schema is seeded again. */
function schemaHash(migrationsFolder: string): string {
	const hash = createHash('sha256');
	const addFolder = (folder: string) => {
		for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
			a.name.localeCompare(b.name),
		)) {
			const path = join(folder, entry.name);
			if (entry.isDirectory()) addFolder(path);
			else hash.update(entry.name).update(readFileSync(path));
		}
	};
	addFolder(migrationsFolder);
	return hash.digest('hex').slice(0, 12);
}

async function seedFile(path: string, stories: number): Promise<SeededFile> {
	for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
	console.log(`Seeding ${stories.toLocaleString('en-US')} synthetic stories…`);
	const started = performance.now();
	const database = openDatabase(path);
	migrateDatabase(database);
	const seeded = await seedLibrary(database, { stories });
	database.$client.close();
	const seedingSeconds = (performance.now() - started) / 1000;
	console.log(`Seeded in ${seedingSeconds.toFixed(1)} s.`);
	return { path, seedingSeconds, cached: false, receipts: seeded.receipts };
}

/** A seeded file for `stories`: from the cache with --reuse, otherwise new in `folder`. */
async function seededFile(stories: number, folder: string): Promise<SeededFile> {
	if (!reuse) return seedFile(join(folder, `${stories}.db`), stories);
	mkdirSync(SEEDED_FOLDER, { recursive: true });
	const path = join(SEEDED_FOLDER, `${stories}-${schemaHash(MIGRATIONS_FOLDER)}.db`);
	const description = `${path}.json`;
	if (existsSync(path) && existsSync(description)) {
		const saved = JSON.parse(readFileSync(description, 'utf8')) as Omit<SeededFile, 'cached'>;
		console.log(`Reusing ${path} (seeded in ${saved.seedingSeconds.toFixed(1)} s).`);
		return { ...saved, path, cached: true };
	}
	const seeded = await seedFile(path, stories);
	writeFileSync(description, JSON.stringify({ ...seeded, cached: undefined }, null, '\t'));
	return seeded;
}

/** Milliseconds until the whole answer has arrived, and its status. */
async function timedRequest(url: URL, init: RequestInit = {}) {
	const started = performance.now();
	const response = await fetch(url, {
		redirect: 'manual',
		...init,
		headers: { 'accept-encoding': 'br, gzip', ...init.headers },
	});
	await response.arrayBuffer();
	return { ms: performance.now() - started, status: response.status };
}

function expectStatus(path: string, status: number, expected: number): void {
	if (status !== expected) throw new Error(`${path} answered ${status}, not ${expected}.`);
}

function residentMegabytes(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kilobytes = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
	if (!kilobytes) throw new Error(`No VmRSS in /proc/${pid}/status.`);
	return Number(kilobytes) / 1024;
}

/**
 * A seeded library in a database of its own, as the measurement takes it: what a server is
 * given to run on it and the size of what was seeded.
 */
interface SeededDatabase extends Omit<SeededFile, 'path'> {
	serverEnv: Record<string, string>;
	databaseBytes(): Promise<number>;
	/** Resolves once an erasure the server answered has reached every file. */
	erasureOnDisk(): Promise<void>;
	/** Deletes what only this measurement used. */
	discard(): void;
}

/** The SQLite file for `stories`; one kept for later runs is measured on a copy. */
async function sqliteDatabase(stories: number, folder: string): Promise<SeededDatabase> {
	const seeded = await seededFile(stories, folder);
	// The withdrawal changes the file: one kept for later runs is measured on a copy.
	const databasePath = reuse ? join(folder, `${stories}-copy.db`) : seeded.path;
	if (reuse) copyFileSync(seeded.path, databasePath);
	return {
		...seeded,
		serverEnv: { DATABASE_PATH: databasePath },
		databaseBytes: async () => statSync(seeded.path).size,
		// SQLite's erasure (a checkpoint) is done before the withdrawal is answered.
		erasureOnDisk: async () => {},
		discard() {
			for (const suffix of ['', '-wal', '-shm'])
				rmSync(`${databasePath}${suffix}`, { force: true });
		},
	};
}

const run = promisify(execFile);

/** Runs `work` on a store at `url`, closed afterwards. */
async function onPostgres<T>(url: string, work: (store: Store) => Promise<T>): Promise<T> {
	const store = openPostgresStore(url, { maxConnections: 1 });
	try {
		return await work(store);
	} finally {
		await store.close();
	}
}

/**
 * A new database in `cluster` with the library for `stories`. With --reuse, the seed is kept
 * as a `pg_dump --format=custom` file in bench-results/seeded/ (keyed by engine, size and
 * the PostgreSQL migrations) and restored into a fresh database on later runs: the cluster
 * lives only as long as this command, and restoring (which builds the GIN index once, in
 * bulk) is several times faster than seeding again (which grows it row by row). Restored
 * or seeded, the database ends with VACUUM ANALYZE, as seedLibraryPostgres does.
 */
async function postgresDatabase(
	stories: number,
	cluster: PostgresCluster,
	folder: string,
): Promise<SeededDatabase> {
	const dumpPath = join(
		SEEDED_FOLDER,
		`postgres-${stories}-${schemaHash(POSTGRES_MIGRATIONS_FOLDER)}.dump`,
	);
	const description = `${dumpPath}.json`;
	const opened = (url: string, seeded: Omit<SeededFile, 'path'>): SeededDatabase => ({
		...seeded,
		serverEnv: postgresServerEnv(url, folder),
		databaseBytes: () =>
			onPostgres(url, async (store) => {
				const [row] = await store.read((scope) =>
					selectRows<{ bytes: string }>(
						scope,
						sql`SELECT pg_database_size(current_database()) AS bytes`,
					),
				);
				return Number(row!.bytes);
			}),
		// The server rewrites what the withdrawal marked after answering (erasure-postgres.ts):
		// until the marks are gone, then until its checkpoint is (a CHECKPOINT waits for one
		// running).
		erasureOnDisk: () =>
			onPostgres(url, async (store) => {
				for (;;) {
					const [left] = await store.read((scope) =>
						selectRows<{ count: number }>(
							scope,
							sql`SELECT count(*)::int AS count FROM pending_rewrites`,
						),
					);
					if (left!.count === 0) break;
					await wait(10);
				}
				await store.read((scope) => postgresOf(scope).execute(sql`CHECKPOINT`));
			}),
		// The whole cluster is deleted at the end.
		discard: () => {},
	});
	if (reuse && existsSync(dumpPath) && existsSync(description)) {
		const saved = JSON.parse(readFileSync(description, 'utf8')) as Omit<SeededFile, 'cached'>;
		console.log(`Restoring ${dumpPath} (seeded in ${saved.seedingSeconds.toFixed(1)} s)…`);
		const started = performance.now();
		const url = await cluster.createDatabase();
		await run(postgresProgram('pg_restore'), ['--no-owner', `--dbname=${url}`, dumpPath]);
		await onPostgres(url, (store) =>
			store.read((scope) => postgresOf(scope).execute(sql`VACUUM ANALYZE`)),
		);
		console.log(`Restored in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
		return opened(url, {
			seedingSeconds: saved.seedingSeconds,
			receipts: saved.receipts,
			cached: true,
		});
	}
	console.log(`Seeding ${stories.toLocaleString('en-US')} synthetic stories…`);
	const started = performance.now();
	const url = await cluster.createMigratedDatabase();
	const { receipts } = await onPostgres(url, (store) => seedLibraryPostgres(store, { stories }));
	const seedingSeconds = (performance.now() - started) / 1000;
	console.log(`Seeded in ${seedingSeconds.toFixed(1)} s.`);
	if (reuse) {
		mkdirSync(SEEDED_FOLDER, { recursive: true });
		await backupPostgres(url, dumpPath, { overwrite: true });
		writeFileSync(description, JSON.stringify({ seedingSeconds, receipts }, null, '\t'));
	}
	return opened(url, { seedingSeconds, receipts, cached: false });
}

async function measure(stories: number, seeded: SeededDatabase): Promise<ScaleFigures> {
	const [withdrawn, unvisited] = seeded.receipts;
	if (!withdrawn || !unvisited) throw new Error('The seeder returned too few receipt codes.');

	const startedAt = performance.now();
	const site = await startChildServer(resolve(PROJECT_ROOT, SERVER_BUNDLE), {
		cwd: PROJECT_ROOT,
		env: { ...RELAXED_LIMITS, HOST: '127.0.0.1', PORT: '0', ...seeded.serverEnv },
	});
	try {
		const listeningMs = performance.now() - startedAt;
		const url = (path: string) => new URL(path, site.baseUrl);
		const firstStories = await timedRequest(url('/stories'));
		expectStatus('/stories', firstStories.status, 200);

		const changedPage = '/stories?page=3';
		await timedRequest(url(changedPage));
		const withdrawal = await timedRequest(url('/my-story?_action=withdrawMyStory'), {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: new URL(site.baseUrl).origin,
			},
			body: new URLSearchParams({ code: withdrawn.receiptCode, intent: 'withdraw' }),
		});
		expectStatus('the withdrawal', withdrawal.status, 200);
		const afterChange = await timedRequest(url(changedPage));
		expectStatus(changedPage, afterChange.status, 200);
		const erasureStarted = performance.now();
		await seeded.erasureOnDisk();
		const erasureOnDiskMs = performance.now() - erasureStarted;
		expectStatus(
			`/stories/${withdrawn.slug}`,
			(await timedRequest(url(`/stories/${withdrawn.slug}`))).status,
			410,
		);

		const deepPage = deepPageFor(stories, STORIES_PER_PAGE);
		const deep = await timedRequest(url(`/stories?page=${deepPage}`));
		expectStatus(`/stories?page=${deepPage}`, deep.status, 200);
		const storyMiss = await timedRequest(url(`/stories/${unvisited.slug}`));
		expectStatus(`/stories/${unvisited.slug}`, storyMiss.status, 200);

		const queries = createSearchQueryPool(SEARCH_QUERIES_SEED, SEARCH_WARMUP + SEARCH_TIMED);
		const searchTimes: number[] = [];
		for (const [index, query] of queries.entries()) {
			const search = await timedRequest(url(searchPath(query)));
			expectStatus(searchPath(query), search.status, 200);
			if (index >= SEARCH_WARMUP) searchTimes.push(search.ms);
		}

		return {
			stories,
			seedingSeconds: seeded.seedingSeconds,
			seedingCached: seeded.cached,
			databaseBytes: await seeded.databaseBytes(),
			listeningMs,
			firstStoriesMs: firstStories.ms,
			storiesAfterChangeMs: afterChange.ms,
			erasureOnDiskMs,
			deepPage,
			deepPageMs: deep.ms,
			storyMissMs: storyMiss.ms,
			rssMb: residentMegabytes(site.pid),
			searchQueries: searchTimes.length,
			searchP50Ms: quantile(searchTimes, 0.5),
			searchP99Ms: quantile(searchTimes, 0.99),
		};
	} finally {
		await site.stop();
		seeded.discard();
	}
}

/** The engine and its version, read from a store on `cluster` or a scratch SQLite file. */
async function engineDescription(cluster: PostgresCluster | undefined, folder: string) {
	if (cluster) return onPostgres(cluster.url, describeEngine);
	const store = sqliteStore(openDatabase(join(folder, 'version.db')));
	try {
		return await describeEngine(store);
	} finally {
		await store.close();
	}
}

const loadAverageAtStart = os.loadavg();
console.log(
	`Load average ${loadAverageAtStart.map((load) => load.toFixed(2)).join(' ')} on ${os.availableParallelism()} CPUs.`,
);
buildIfStale();
const folder = mkdtempSync(join(os.tmpdir(), 'common-thread-scale-'));
let cluster: PostgresCluster | undefined;
// One clean-up, however many ask (Ctrl-C, and the run that fails because of it).
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
	(cleaning ??= (async () => {
		try {
			await cluster?.stop();
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	})());
process.once('SIGINT', () => {
	console.error('\nInterrupted; stopping PostgreSQL and removing the temp folder.');
	void cleanUp().then(() => process.exit(130));
});
const figures: ScaleFigures[] = [];
let engineVersion: { name: string; version: string };
try {
	if (engine === 'postgres') {
		console.log('Starting a throw-away PostgreSQL cluster…');
		cluster = await startPostgresCluster();
	}
	engineVersion = await engineDescription(cluster, folder);
	for (const stories of sizes) {
		const seeded = cluster
			? await postgresDatabase(stories, cluster, folder)
			: await sqliteDatabase(stories, folder);
		console.log(`Measuring ${stories.toLocaleString('en-US')} stories…`);
		figures.push(await measure(stories, seeded));
	}
} finally {
	await cleanUp();
}

const targets = evaluateScaleTargets(figures);
console.log(`\nOn ${engineVersion.name} ${engineVersion.version}.`);
console.log(`\n${formatScaleTable(figures)}\n\n${formatScaleTargets(targets)}`);
const loadAverageAtEnd = os.loadavg();
console.log(
	`Load average at the end: ${loadAverageAtEnd.map((load) => load.toFixed(2)).join(' ')}.`,
);
const resultsFolder = resolve(PROJECT_ROOT, 'bench-results');
mkdirSync(resultsFolder, { recursive: true });
const resultsPath = join(
	resultsFolder,
	`scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
	resultsPath,
	`${JSON.stringify(
		{
			machine: { cpus: os.availableParallelism(), loadAverageAtStart, loadAverageAtEnd },
			engine: engineVersion,
			figures,
			targets,
		},
		null,
		'\t',
	)}\n`,
);
console.log(`Results written to ${resultsPath}.`);
