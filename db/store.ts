import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, resolveDatabasePath, type Database } from './client.ts';
import type * as sqliteSchema from './schema.ts';
import * as postgresSchema from './schema-pg.ts';
import { isPostgresUrl } from './postgres-url.ts';
import { POSTGRES_TABLES, SQLITE_TABLES, type Tables } from './tables.ts';

/**
 * The one way the domain reaches the database, on either engine, always async (DESIGN.md,
 * Beyond one machine): `read` for queries, `transact` for writes that must happen together.
 * Queries are written once with drizzle's query builder and awaited (never `.run()`,
 * `.get()`, `.all()`, which only SQLite has), on the tables the scope hands over.
 */
type Engine = 'sqlite' | 'postgres';

/** drizzle's SQLite types on both engines; see db/tables.ts for why that holds. */
type Query = BetterSQLite3Database<typeof sqliteSchema>;

export interface Scope {
	engine: Engine;
	query: Query;
	tables: Tables;
	/**
	 * Runs `callback` once the transaction has committed, before its `transact` settles (so
	 * before its caller resumes), in the order registered; never when it is undone or its
	 * commit fails. In `read` there is nothing to wait for: it runs at once. For in-memory
	 * state that must follow a change exactly when others can see it (page-generations-postgres.ts).
	 */
	afterCommit(callback: () => void): void;
}

export interface Store {
	readonly engine: Engine;
	/**
	 * Runs queries outside any transaction. On SQLite it waits while this process has a
	 * transaction open: on the one connection, it would see that transaction's rows before
	 * they are committed (or after they are rolled back).
	 */
	read<T>(work: (scope: Scope) => Promise<T>): Promise<T>;
	/**
	 * Runs `work` in one transaction: all of it or none, settled once committed (on disk).
	 * `work` awaits only its queries (anything slower holds the transaction open), may be run
	 * again on PostgreSQL (a serialization failure), and reaches the database only through
	 * its scope: calling the store from inside would wait for itself.
	 */
	transact<T>(work: (scope: Scope) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

/** drizzle's node-postgres database or one of its transactions. */
export type PostgresQueryable = PgDatabase<NodePgQueryResultHKT, typeof postgresSchema>;

/**
 * The connection pool under a `read` scope, for work that needs one connection of its own
 * outside any transaction (VACUUM). Told apart by shape, not by class: the front door and
 * Astro's pages are separate bundles, each with its own copy of pg.
 */
export function postgresPoolOf(scope: Pick<Scope, 'engine' | 'query'>): pg.Pool {
	const client = (postgresOf(scope) as { $client?: Partial<pg.Pool> }).$client;
	if (typeof client?.connect !== 'function' || typeof client.options !== 'object') {
		throw new Error('This needs a read scope, not a transaction.');
	}
	return client as pg.Pool;
}

/** The SQLite handle under a scope, for what only SQLite has (FTS5, pragmas, its files). */
export function sqliteOf(scope: Pick<Scope, 'engine' | 'query'>): Database {
	if (scope.engine !== 'sqlite') throw new Error('This needs the SQLite engine.');
	return scope.query as Database;
}

/** The PostgreSQL handle under a scope, with its own types (tsvector search, NOTIFY). */
export function postgresOf(scope: Pick<Scope, 'engine' | 'query'>): PostgresQueryable {
	if (scope.engine !== 'postgres') throw new Error('This needs the PostgreSQL engine.');
	return scope.query as unknown as PostgresQueryable;
}

/** Rows of a statement written in SQL, on either engine (each driver calls this differently). */
export async function selectRows<Row>(scope: Scope, statement: SQL): Promise<Row[]> {
	if (scope.engine === 'sqlite') return sqliteOf(scope).all<Row>(statement);
	const result = await postgresOf(scope).execute(statement);
	return result.rows as Row[];
}

/** On the global object: the front door and Astro's pages are separate bundles (one pool). */
const SHARED_STORE = Symbol.for('common-thread.store');

/**
 * The process-wide store, opened on first use. On SQLite it has a connection of its own:
 * the front door's look at page generations (page-generations.ts) must never run on a
 * connection with a transaction open, where it would see uncommitted counters.
 */
export function getStore(): Store {
	const shared = globalThis as Record<symbol, Store | undefined>;
	shared[SHARED_STORE] ??= openStore();
	return shared[SHARED_STORE];
}

/** The store this process runs on: PostgreSQL at `DATABASE_URL`, else SQLite at `DATABASE_PATH`. */
export function openStore(env: NodeJS.ProcessEnv = process.env): Store {
	const url = env.DATABASE_URL;
	if (url) {
		if (!isPostgresUrl(url)) {
			throw new Error(
				'DATABASE_URL must be a PostgreSQL URL (postgres://user@host:port/database); ' +
					'for SQLite leave it unset and set DATABASE_PATH.',
			);
		}
		return openPostgresStore(url);
	}
	return sqliteStore(openDatabase(resolveDatabasePath(env)));
}

/**
 * One process, one connection: every read and transaction takes turns. The queries
 * themselves are synchronous underneath, so a turn is over within the microtasks it awaits.
 */
function takingTurns() {
	let busy = false;
	const waiting: (() => void)[] = [];
	return async function inTurn<T>(work: () => Promise<T>): Promise<T> {
		if (busy) await new Promise<void>((resolve) => waiting.push(resolve));
		busy = true;
		try {
			return await work();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else busy = false;
		}
	};
}

/** A transaction's `afterCommit` callbacks, and the scope that collects them. */
function collectingCallbacks(scope: Omit<Scope, 'afterCommit'>) {
	const callbacks: (() => void)[] = [];
	return {
		scope: { ...scope, afterCommit: (callback: () => void) => void callbacks.push(callback) },
		runCallbacks: () => {
			for (const callback of callbacks) {
				// The change is committed whatever a callback does: its caller must hear success.
				try {
					callback();
				} catch (error) {
					console.error(`An after-commit callback failed: ${(error as Error).message}`);
				}
			}
		},
	};
}

/** `read` has no transaction to wait for: a callback runs as soon as it is registered. */
const runAtOnce = (callback: () => void) => callback();

interface QueuedWork {
	work: (scope: Scope) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

type Outcome =
	{ done: true; value: unknown; runCallbacks: () => void } | { done: false; error: unknown };

/**
 * SQLite with group commit. Every commit waits for the disk (`synchronous = FULL`: a writer
 * told "received" never loses the story), and that wait, not the work, bounds how many
 * writes a second one process can take. Transactions asked for in the same turn of the
 * event loop share one BEGIN IMMEDIATE … COMMIT and one sync, each in a savepoint of its
 * own, so one that throws is undone alone; none settles before the commit is on disk.
 */
export function sqliteStore(database: Database): Store {
	// One store per handle: two would not take turns with each other on its one connection.
	let store = sqliteStores.get(database);
	if (!store) {
		store = newSqliteStore(database);
		sqliteStores.set(database, store);
	}
	return store;
}

const sqliteStores = new WeakMap<Database, Store>();

function newSqliteStore(database: Database): Store {
	const bareScope = { engine: 'sqlite', query: database, tables: SQLITE_TABLES } as const;
	const readScope: Scope = { ...bareScope, afterCommit: runAtOnce };
	const client = database.$client;
	const inTurn = takingTurns();
	let queue: QueuedWork[] = [];

	async function runQueued(batch: QueuedWork[]): Promise<void> {
		const outcomes: Outcome[] = [];
		try {
			client.exec('BEGIN IMMEDIATE');
			for (const item of batch) {
				client.exec('SAVEPOINT batch_item');
				// Callbacks per item: one undone alone runs none of its own.
				const { scope, runCallbacks } = collectingCallbacks(bareScope);
				try {
					const value = await item.work(scope);
					client.exec('RELEASE batch_item');
					outcomes.push({ done: true, value, runCallbacks });
				} catch (error) {
					// SQLite ends the whole transaction on some errors (a full disk, an I/O error):
					// then the work before this one is gone too, and all must hear it.
					if (!client.inTransaction) throw error;
					client.exec('ROLLBACK TO batch_item');
					client.exec('RELEASE batch_item');
					outcomes.push({ done: false, error });
				}
			}
			client.exec('COMMIT');
		} catch (error) {
			if (client.inTransaction) client.exec('ROLLBACK');
			for (const item of batch) item.reject(error);
			return;
		}
		batch.forEach((item, index) => {
			const outcome = outcomes[index]!;
			if (outcome.done) {
				outcome.runCallbacks();
				item.resolve(outcome.value);
			} else item.reject(outcome.error);
		});
	}

	return {
		engine: 'sqlite',
		read: (work) => inTurn(() => work(readScope)),
		transact<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
			return new Promise<T>((resolve, reject) => {
				if (queue.length === 0) {
					// After this turn's I/O callbacks: every request already read joins this commit.
					setImmediate(() => {
						const batch = queue;
						queue = [];
						void inTurn(() => runQueued(batch));
					});
				}
				queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
			});
		},
		async close() {
			await inTurn(async () => client.close());
		},
	};
}

/** SQLSTATEs after which PostgreSQL asks for the transaction to be tried again. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock
/**
 * How long a transaction is tried again, as SQLite's busy_timeout waits for the write lock:
 * many transactions on one hot row conflict round after round (a fixed number of attempts
 * gave up under a test's 30 at once on two busy cores).
 */
const RETRY_FOR_MS = 5000;
const LONGEST_PAUSE_MS = 100;

function sqlStateOf(error: unknown): string | undefined {
	// drizzle wraps the driver's error; the SQLSTATE is on it or on its cause.
	for (let current = error; current instanceof Error; current = current.cause) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
	}
	return undefined;
}

/**
 * PostgreSQL through a pool of connections. Transactions are SERIALIZABLE, as SQLite's are
 * (one writer at a time): a check and the write that depends on it cannot interleave with
 * another server's; PostgreSQL refuses one of two that would, and it is run again after a
 * short random pause, for up to RETRY_FOR_MS.
 */
export function openPostgresStore(url: string, options: { maxConnections?: number } = {}): Store {
	const max = options.maxConnections ?? 10;
	// Two connections stay open however quiet the site (pg closes idle ones after 10 s): a
	// new one reads the catalog of every partition at its first search, which then took
	// 27 ms where the next took 13 (10,000 stories, the 2-core test machine).
	const pool = new pg.Pool({ connectionString: url, max, min: Math.min(2, max) });
	// An idle connection that breaks (the server restarted) must not crash the process.
	pool.on('error', (error) => console.error(`PostgreSQL connection lost: ${error.message}`));
	const database = drizzlePostgres({ client: pool, schema: postgresSchema });
	const bareScopeOf = (query: unknown) =>
		({ engine: 'postgres', query: query as Query, tables: POSTGRES_TABLES }) as const;
	return {
		engine: 'postgres',
		read: (work) => work({ ...bareScopeOf(database), afterCommit: runAtOnce }),
		async transact<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
			const deadline = Date.now() + RETRY_FOR_MS;
			for (let attempt = 1; ; attempt++) {
				// Callbacks per attempt: those of an attempt that failed to commit never run.
				let runCallbacks = () => {};
				try {
					const value = await database.transaction(
						(transaction) => {
							const collecting = collectingCallbacks(bareScopeOf(transaction));
							runCallbacks = collecting.runCallbacks;
							return work(collecting.scope);
						},
						{ isolationLevel: 'serializable' },
					);
					runCallbacks();
					return value;
				} catch (error) {
					if (!RETRYABLE.has(sqlStateOf(error) ?? '') || Date.now() > deadline) throw error;
					// A random pause, growing with each attempt: the conflicting ones spread out.
					const longest = Math.min(LONGEST_PAUSE_MS, 2 ** attempt);
					await new Promise((resolve) => setTimeout(resolve, Math.random() * longest));
				}
			}
		},
		close: () => pool.end(),
	};
}
