/**
 * SQLite result codes that mean the storage refused a write (or the file could not be
 * reached) rather than that the request was wrong: a full disk, a file system gone
 * read-only, an I/O error, a lock held past the busy timeout. Extended codes such as
 * `SQLITE_IOERR_WRITE` or `SQLITE_READONLY_DBMOVED` share their primary code's prefix.
 */
const STORAGE_FAILURE_CODES = [
	'SQLITE_FULL',
	'SQLITE_IOERR',
	'SQLITE_READONLY',
	'SQLITE_CANTOPEN',
	'SQLITE_BUSY',
] as const;

function sqliteCodeOf(error: unknown): string | null {
	// drizzle wraps the driver's error (whose message names the query and its values) in its own.
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return null;
}

/**
 * True when `error` says the database could not store anything just now (disk full,
 * read-only, I/O error, cannot open, busy): a condition for a 503 and "try again later",
 * not a bug in the request. Any other error is not one.
 */
export function isStorageFailure(error: unknown): boolean {
	const code = sqliteCodeOf(error);
	return (
		code !== null &&
		STORAGE_FAILURE_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))
	);
}
