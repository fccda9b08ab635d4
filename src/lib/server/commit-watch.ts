import { openSync, readSync } from 'node:fs';

/**
 * The WAL-index header: the first 48 bytes of `<file>-shm`, which every connection to a
 * database in WAL mode maps into memory (https://www.sqlite.org/walformat.html). A writer
 * rewrites it at every commit (the change counter `iChange` and the last frame `mxFrame`)
 * and a checkpoint that restarts the log changes its salts. Writers publish a commit by
 * writing this first copy last, so while it is unchanged no reader can see anything new.
 */
const WAL_INDEX_HEADER_BYTES = 48;

/**
 * True when a commit may have landed since the previous call (or on the first call): false
 * means no connection, in any process, has committed since.
 */
export type CommitWatch = () => boolean;

/**
 * Watches a WAL-mode database file for commits by any process with one small read of the
 * shared-memory file, where a read transaction costs a shared lock taken and dropped (two
 * fcntl and an fstat) and three to four times as long. `null` when there is no such file to
 * read (an in-memory database, a file not in WAL mode): then every look must ask SQLite.
 * The file stays open as long as the process: one descriptor per watched database.
 */
export function watchCommits(databaseFile: string): CommitWatch | null {
	let descriptor: number;
	try {
		descriptor = openSync(`${databaseFile}-shm`, 'r');
	} catch {
		return null;
	}
	const seen = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
	const now = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
	let looked = false;
	return () => {
		const read = readSync(descriptor, now, 0, WAL_INDEX_HEADER_BYTES, 0);
		if (looked && read === WAL_INDEX_HEADER_BYTES && now.equals(seen)) return false;
		now.copy(seen);
		looked = read === WAL_INDEX_HEADER_BYTES;
		return true;
	};
}
