import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { eraseFromSqliteFiles } from '../src/lib/server/erasure.ts';
import type { Database } from './client.ts';
import { DATA_STEPS, runDataSteps, type DataStep } from './data-steps.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Applies the pending migrations from `db/migrations/` and returns how many ran.
 *
 * Keeps drizzle's own bookkeeping table, but unlike drizzle's `migrate()` it reads
 * the last applied migration inside a `BEGIN IMMEDIATE` transaction, so two
 * processes starting on the same file at once cannot both apply the same step.
 * Then it finishes the data steps (data-steps.ts): row changes SQL alone cannot make.
 */
export function migrateDatabase(
	database: Database,
	migrationsFolder = MIGRATIONS_FOLDER,
	dataSteps: readonly DataStep[] = DATA_STEPS,
): number {
	const migrations = readMigrationFiles({ migrationsFolder });
	const applied = database.transaction(
		(transaction) => {
			transaction.run(sql`
				CREATE TABLE IF NOT EXISTS __drizzle_migrations (
					id INTEGER PRIMARY KEY,
					hash TEXT NOT NULL,
					created_at NUMERIC
				)`);
			const [last] = transaction.all<{ createdAt: number }>(
				sql`SELECT created_at AS createdAt FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
			);
			const pending = migrations.filter(
				(migration) => last === undefined || Number(last.createdAt) < migration.folderMillis,
			);
			for (const migration of pending) {
				for (const statement of migration.sql) transaction.run(sql.raw(statement));
				transaction.run(
					sql`INSERT INTO __drizzle_migrations (hash, created_at) VALUES (${migration.hash}, ${migration.folderMillis})`,
				);
			}
			return pending.length;
		},
		{ behavior: 'immediate' },
	);
	runDataSteps(database, dataSteps);
	// Some migrations erase (old search terms, audit fingerprints, exact report times):
	// the write-ahead log would keep the old pages until a checkpoint, so truncate it now.
	// (Without waiting on another process that starts at the same time: see erasure.ts.)
	if (applied > 0) eraseFromSqliteFiles(database);
	return applied;
}
