import type { Database } from '../../../db/client.ts';
import { postgresPoolOf, sqliteOf, type Store } from '../../../db/store.ts';
import { rewriteInBackground } from './erasure-postgres.ts';

/**
 * Privacy: erased means erased on disk. A withdrawn story, words a moderator redacted, a
 * resolved report's note and a declined story past its retention must not be readable by
 * someone who copies the data folder. Deleting the rows is not enough on its own:
 * `secure_delete` (db/client.ts) zeroes freed space in the database file, and FTS5's
 * `secure-delete` option (a migration) drops a removed row's terms from the index at once,
 * but the write-ahead log keeps every old page image until a checkpoint copies the pages
 * back, and it never shrinks by itself. So every erasure is followed by a checkpoint that
 * truncates the log to nothing (see /work/shared/notes/sqlite-erasure.md).
 *
 * On PostgreSQL the partitions an erasure touched are rewritten, in the background
 * (erasure-postgres.ts).
 */

/** How long the checkpoint may wait for a reader here; longer would stall every request. */
const CHECKPOINT_WAIT_MS = 20;
/** When a reader (another process, a backup) holds an old snapshot, try again this soon. */
const RETRY_AFTER_MS = 2_000;

const retries = new WeakMap<Database, NodeJS.Timeout>();

/**
 * Call after every transaction that erased text has committed: every erasure path does.
 * Returns whether the erasure reached the files now (on PostgreSQL it is on its way).
 */
export async function eraseFromDisk(store: Store): Promise<boolean> {
	return store.read(async (scope) => {
		if (scope.engine === 'sqlite') return eraseFromSqliteFiles(sqliteOf(scope));
		rewriteInBackground(postgresPoolOf(scope));
		return false;
	});
}

/**
 * Copies SQLite's write-ahead log into the database file and truncates it to zero bytes.
 * A checkpoint cannot finish while another connection still reads an older snapshot: then
 * it is tried again on a timer (and at the next erasure) until it does. Returns whether
 * the log is empty now. Synchronous, for migrations too, which run before serving.
 */
export function eraseFromSqliteFiles(database: Database): boolean {
	const client = database.$client;
	clearTimeout(retries.get(database));
	retries.delete(database);
	if (!client.open) return false;
	const busyTimeout = client.pragma('busy_timeout', { simple: true }) as number;
	let done: boolean;
	client.pragma(`busy_timeout = ${CHECKPOINT_WAIT_MS}`);
	try {
		const [result] = client.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
		done = result?.busy === 0;
	} catch (error) {
		const code = (error as { code?: string }).code ?? '';
		if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw error;
		done = false;
	} finally {
		client.pragma(`busy_timeout = ${busyTimeout}`);
	}
	if (!done) {
		const retry = setTimeout(() => eraseFromSqliteFiles(database), RETRY_AFTER_MS);
		retry.unref();
		retries.set(database, retry);
	}
	return done;
}
