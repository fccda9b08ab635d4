/** `npm run db:migrate`: apply pending migrations to the database at DATABASE_PATH. */
import { openDatabase, resolveDatabasePath } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';

const databasePath = resolveDatabasePath();
const database = openDatabase(databasePath);
try {
	const applied = migrateDatabase(database);
	console.log(`${databasePath}: ${applied} migration(s) applied.`);
} finally {
	database.$client.close();
}
