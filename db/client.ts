import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.ts';

export type Database = BetterSQLite3Database<typeof schema> & { $client: Sqlite.Database };
/** The handle itself or an open transaction on it: anything that can run queries. */
export type Queryable = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

const DEFAULT_DATABASE_PATH = 'data/common-thread.db';

/** The database file this process uses: `DATABASE_PATH`, relative to the working directory. */
export function resolveDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
	return resolve(env.DATABASE_PATH || DEFAULT_DATABASE_PATH);
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Puts the file in WAL mode. Switching a new file needs it alone for a moment, and SQLite
 * answers SQLITE_BUSY at once rather than waiting (busy_timeout does not cover the
 * switch), so a process starting together with another one tries again for a while.
 */
function switchToWal(client: Sqlite.Database): void {
	const deadline = Date.now() + BUSY_TIMEOUT_MS;
	const pause = new Int32Array(new SharedArrayBuffer(4));
	for (;;) {
		try {
			client.pragma('journal_mode = WAL');
			return;
		} catch (error) {
			if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
			Atomics.wait(pause, 0, 0, 20);
		}
	}
}

/** More distinct statements than the site's queries make: past it the cache starts again. */
const MAX_REUSED_STATEMENTS = 500;

/**
 * drizzle prepares a statement again on every call (a tenth of a story submission's CPU
 * went there); with this the same SQL text reuses its statement. A statement keeps its
 * result mode (raw, pluck, expand) from its last use, so a reused one starts from the
 * default, as a new one would.
 */
function reusePreparedStatements(client: Sqlite.Database): void {
	const prepare = client.prepare.bind(client);
	const statements = new Map<string, Sqlite.Statement>();
	client.prepare = ((source: string) => {
		let statement = statements.get(source);
		if (statement === undefined) {
			statement = prepare(source);
			if (statements.size >= MAX_REUSED_STATEMENTS) statements.clear();
			statements.set(source, statement);
		} else if (statement.reader) {
			statement.raw(false).pluck(false).expand(false);
		}
		return statement;
	}) as typeof client.prepare;
}

/**
 * Opens (creating the file and its folder if needed) and tunes a SQLite database.
 * It does not migrate: the server's start-up and `npm run db:migrate` do that once,
 * before any request is served (see migrate.ts).
 */
export function openDatabase(file: string): Database {
	mkdirSync(dirname(file), { recursive: true });
	const client = new Sqlite(file);
	// busy_timeout makes a second process wait for the write lock instead of failing
	// with SQLITE_BUSY; WAL lets readers run while a writer commits.
	client.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
	switchToWal(client);
	client.pragma('foreign_keys = ON');
	// A writer told "received" must never lose the story: sync the WAL on every commit.
	client.pragma('synchronous = FULL');
	// Erased stories (withdrawals, redactions) must not linger in free pages of the file.
	client.pragma('secure_delete = ON');
	reusePreparedStatements(client);
	return drizzle({ client, schema });
}

let sharedDatabase: Database | undefined;

/** The process-wide handle at `DATABASE_PATH`, opened on first use. */
export function getDatabase(): Database {
	sharedDatabase ??= openDatabase(resolveDatabasePath());
	return sharedDatabase;
}
