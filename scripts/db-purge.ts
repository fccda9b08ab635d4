/**
 * `npm run db:purge`: erases the text of declined stories older than
 * DECLINED_RETENTION_DAYS (default 30) in the database the server uses (PostgreSQL at
 * DATABASE_URL, else SQLite at DATABASE_PATH), as the server does once a day; for cron, when
 * servers restart seldom or not at all.
 *
 * Exit codes (as `npm run db:backup`): 0 done, 64 usage, 66 no database at DATABASE_PATH,
 * 78 a bad DECLINED_RETENTION_DAYS, 70 unexpected.
 */
import { existsSync } from 'node:fs';
import { openDatabase, resolveDatabasePath } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { migratePostgres } from '../db/migrate-postgres.ts';
import { describePostgresUrl, isPostgresUrl } from '../db/postgres-url.ts';
import { openPostgresStore, postgresPoolOf, sqliteStore, type Store } from '../db/store.ts';
import { rewriteErasedText } from '../src/lib/server/erasure-postgres.ts';
import { purgeDeclinedStories, readDeclinedRetentionDays } from '../src/lib/server/retention.ts';

const postgresUrl = process.env.DATABASE_URL;
const databaseName = postgresUrl ? describePostgresUrl(postgresUrl) : resolveDatabasePath();

const USAGE = `Usage: npm run db:purge

Erases the text of stories declined more than DECLINED_RETENTION_DAYS (default 30) days ago
in the database (now ${databaseName}: DATABASE_URL, else DATABASE_PATH).`;

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
if (postgresUrl && !isPostgresUrl(postgresUrl))
	fail('DATABASE_URL must be a PostgreSQL URL (postgres://user@host:port/database).', 64);

let retentionDays: number;
try {
	retentionDays = readDeclinedRetentionDays(process.env);
} catch (error) {
	fail((error as Error).message, 78);
}
if (!postgresUrl && !existsSync(databaseName)) fail(`No database at ${databaseName}.`, 66);

/** The database, migrated as a server's start would. */
async function openMigrated(): Promise<Store> {
	if (postgresUrl) {
		await migratePostgres(postgresUrl);
		return openPostgresStore(postgresUrl, { maxConnections: 1 });
	}
	const database = openDatabase(databaseName);
	migrateDatabase(database);
	return sqliteStore(database);
}

try {
	const store = await openMigrated();
	try {
		const erased = await purgeDeclinedStories(retentionDays, store);
		console.log(
			`${databaseName}: erased the text of ${erased} declined ${erased === 1 ? 'story' : 'stories'} older than ${retentionDays} days.`,
		);
		// PostgreSQL rewrites what held the text after the erasing transaction; a server does it
		// in the background, but this process is about to end, so it waits for the rewrite.
		if (store.engine === 'postgres') {
			const rewritten = await store.read((scope) => rewriteErasedText(postgresPoolOf(scope)));
			if (!rewritten)
				console.error(
					'The text is gone from the database, but not yet from its files: they stay marked, ' +
						'and a server rewrites them at its next erasure or start.',
				);
		}
	} finally {
		await store.close();
	}
} catch (error) {
	fail(`Purge failed: ${(error as Error).message}`, 70);
}
