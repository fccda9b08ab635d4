/**
 * `npm run db:purge`: erases the text of declined stories older than
 * DECLINED_RETENTION_DAYS (default 30) in the database at DATABASE_PATH, as the server
 * does once a day; for cron, when servers restart seldom or not at all.
 *
 * Exit codes (as `npm run db:backup`): 0 done, 64 usage, 66 no database at DATABASE_PATH,
 * 78 a bad DECLINED_RETENTION_DAYS, 70 unexpected.
 */
import { existsSync } from 'node:fs';
import { openDatabase, resolveDatabasePath } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { sqliteStore } from '../db/store.ts';
import { purgeDeclinedStories, readDeclinedRetentionDays } from '../src/lib/server/retention.ts';

const USAGE = `Usage: npm run db:purge

Erases the text of stories declined more than DECLINED_RETENTION_DAYS (default 30) days ago
in the database at DATABASE_PATH (now ${resolveDatabasePath()}).`;

function fail(message: string, code: number): never {
	console.error(message);
	process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	console.log(USAGE);
	process.exit(0);
}
if (args.length > 0) fail(`Unexpected argument ${args.join(' ')}.\n\n${USAGE}`, 64);

let retentionDays: number;
try {
	retentionDays = readDeclinedRetentionDays(process.env);
} catch (error) {
	fail((error as Error).message, 78);
}
const databasePath = resolveDatabasePath();
if (!existsSync(databasePath)) fail(`No database at ${databasePath}.`, 66);
try {
	const database = openDatabase(databasePath);
	const store = sqliteStore(database);
	try {
		migrateDatabase(database);
		const erased = await purgeDeclinedStories(retentionDays, store);
		console.log(
			`${databasePath}: erased the text of ${erased} declined ${erased === 1 ? 'story' : 'stories'} older than ${retentionDays} days.`,
		);
	} finally {
		await store.close();
	}
} catch (error) {
	fail(`Purge failed: ${(error as Error).message}`, 70);
}
