import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { postgresOf, sqliteOf, type Store } from '../../../db/store.ts';

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
 * On PostgreSQL an erasure leaves dead row versions holding the old text until VACUUM frees
 * them, so the tables erasures touch are vacuumed. Freed space is not zeroed, though: a
 * dead version's bytes can stay in the page until new rows overwrite them, and the WAL
 * keeps them until its segments are recycled (SECURITY.md says what operators must do).
 */

/** How long the checkpoint may wait for a reader here; longer would stall every request. */
const CHECKPOINT_WAIT_MS = 20;
/** When a reader (another process, a backup) holds an old snapshot, try again this soon. */
const RETRY_AFTER_MS = 2_000;

const retries = new WeakMap<Store, NodeJS.Timeout>();

/** Tables whose rows hold a writer's or reader's text, or what was derived from it. */
const TABLES_HOLDING_TEXT = [
	'submissions',
	'search_index',
	'community_listings',
	'community_listing_topics',
	'reports',
];

/**
 * Call after every transaction that erased text has committed: every erasure path does.
 * On SQLite it copies the write-ahead log into the database file and truncates it to zero
 * bytes. A checkpoint cannot finish while another connection still reads an older
 * snapshot: then it is tried again on a timer (and at the next erasure) until it does.
 * Returns whether the erasure reached the files now.
 */
export async function eraseFromDisk(store: Store): Promise<boolean> {
	clearTimeout(retries.get(store));
	retries.delete(store);
	const done = await store.read(async (scope) => {
		if (scope.engine === 'sqlite') return checkpointTruncating(sqliteOf(scope));
		await postgresOf(scope).execute(sql.raw(`VACUUM ${TABLES_HOLDING_TEXT.join(', ')}`));
		return true;
	});
	if (!done) {
		const retry = setTimeout(() => void eraseFromDisk(store), RETRY_AFTER_MS);
		retry.unref();
		retries.set(store, retry);
	}
	return done;
}

/** Truncates SQLite's write-ahead log, unless a reader still needs it; whether it did. */
function checkpointTruncating(database: Database): boolean {
	const client = database.$client;
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
	return done;
}
