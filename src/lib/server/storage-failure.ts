/**
 * SQLite result codes that mean the storage refused a write (or the file could not be
 * reached) rather than that the request was wrong: a full disk, a file system gone
 * read-only, an I/O error, a lock held past the busy timeout. Extended codes such as
 * `SQLITE_IOERR_WRITE` or `SQLITE_READONLY_DBMOVED` share their primary code's prefix.
 */
const SQLITE_FAILURE_CODES = [
	'SQLITE_FULL',
	'SQLITE_IOERR',
	'SQLITE_READONLY',
	'SQLITE_CANTOPEN',
	'SQLITE_BUSY',
] as const;

/**
 * The same on PostgreSQL: SQLSTATE classes and codes for a server that cannot be reached or
 * is going away (08 connection exception, 57P01–57P03 shutting down or starting), that has
 * run out of room (53 insufficient resources: disk full, too many connections), or is a
 * read-only standby (25006); and the socket errors of a server that is not there at all.
 */
const POSTGRES_FAILURE_CODES = [
	/^08/,
	/^57P0[123]$/,
	/^53/,
	/^25006$/,
	/^(ECONNREFUSED|ECONNRESET|ENOENT|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/,
];
/** pg's own errors for a connection that ended or never came, which carry no code. */
const POSTGRES_CONNECTION_MESSAGES =
	/^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** The driver's code and message, below drizzle's wrapping (whose message names the query). */
function* causesOf(error: unknown): Generator<{ code: unknown; message: unknown }> {
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		yield current as { code: unknown; message: unknown };
		current = (current as { cause?: unknown }).cause;
	}
}

/**
 * True when `error` says the database could not store or read anything just now (disk full,
 * read-only, I/O error, cannot open, busy; on PostgreSQL also a server that is down or
 * restarting): a condition for a 503 and "try again later", not a bug in the request.
 * Any other error is not one.
 */
export function isStorageFailure(error: unknown): boolean {
	for (const { code, message } of causesOf(error)) {
		if (typeof code === 'string') {
			if (code.startsWith('SQLITE_'))
				return SQLITE_FAILURE_CODES.some(
					(prefix) => code === prefix || code.startsWith(`${prefix}_`),
				);
			if (POSTGRES_FAILURE_CODES.some((pattern) => pattern.test(code))) return true;
		}
		if (typeof message === 'string' && POSTGRES_CONNECTION_MESSAGES.test(message)) return true;
	}
	return false;
}
