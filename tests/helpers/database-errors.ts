/**
 * Whether `error` is a broken foreign key on either engine: SQLite's code or PostgreSQL's
 * SQLSTATE 23503, on the error or on the driver's error drizzle wrapped in it.
 */
export function isForeignKeyViolation(error: unknown): boolean {
	for (let current = error; current instanceof Error; current = current.cause) {
		const code = (current as { code?: unknown }).code;
		if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return true;
	}
	return false;
}
