import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export const POSTGRES_MIGRATIONS_FOLDER = fileURLToPath(
	new URL('./migrations-pg', import.meta.url),
);

/** Any fixed number: the advisory lock every process migrating this database takes. */
const MIGRATION_LOCK = 14_0001;

async function appliedCount(client: pg.Client): Promise<number> {
	const table = await client.query(
		`SELECT 1 FROM pg_tables WHERE schemaname = 'drizzle' AND tablename = '__drizzle_migrations'`,
	);
	if (table.rowCount === 0) return 0;
	const { rows } = await client.query<{ applied: number }>(
		'SELECT count(*)::int AS applied FROM drizzle.__drizzle_migrations',
	);
	return rows[0]!.applied;
}

/**
 * Applies the pending migrations from `db/migrations-pg/` to the PostgreSQL database at
 * `url` and returns how many ran. drizzle's migrator reads the last applied migration
 * before its transaction, so two servers starting at once could both apply a step: each
 * takes the same advisory lock first, and the second finds nothing left to do.
 */
export async function migratePostgres(
	url: string,
	migrationsFolder = POSTGRES_MIGRATIONS_FOLDER,
): Promise<number> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
		const before = await appliedCount(client);
		await migrate(drizzle({ client }), { migrationsFolder });
		return (await appliedCount(client)) - before;
	} finally {
		// Ending the session releases the lock, whatever happened.
		await client.end();
	}
}
