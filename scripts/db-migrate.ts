/**
 * `npm run db:migrate`: apply pending migrations to the database the server would use:
 * PostgreSQL at DATABASE_URL when it is set, else SQLite at DATABASE_PATH.
 */
import { openDatabase, resolveDatabasePath } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { migratePostgres } from '../db/migrate-postgres.ts';
import { describePostgresUrl, isPostgresUrl } from '../db/postgres-url.ts';

const url = process.env.DATABASE_URL;
if (url) {
	if (!isPostgresUrl(url)) {
		console.error('DATABASE_URL must be a PostgreSQL URL (postgres://user@host:port/database).');
		process.exit(64);
	}
	const applied = await migratePostgres(url);
	console.log(`${describePostgresUrl(url)}: ${applied} migration(s) applied.`);
} else {
	const databasePath = resolveDatabasePath();
	const database = openDatabase(databasePath);
	try {
		const applied = migrateDatabase(database);
		console.log(`${databasePath}: ${applied} migration(s) applied.`);
	} finally {
		database.$client.close();
	}
}
