/**
 * `npm run db:backup -- <file> [--force]`: an online backup of the database the server
 * uses (PostgreSQL at DATABASE_URL, with pg_dump; else SQLite at DATABASE_PATH), safe while
 * servers run. Restoring is described in README.md ("Backup and restore").
 *
 * Exit codes (as `npm run moderator`): 0 done, 64 usage, 66 no database to back up,
 * 67 the file exists (or is the live database), 73 the file cannot be written, 70 unexpected.
 */
import { resolve } from 'node:path';
import { backupDatabase, BackupError, type BackupProblem } from '../db/backup.ts';
import { backupPostgres } from '../db/backup-postgres.ts';
import { resolveDatabasePath } from '../db/client.ts';
import { describePostgresUrl, isPostgresUrl } from '../db/postgres-url.ts';

const postgresUrl = process.env.DATABASE_URL;
if (postgresUrl && !isPostgresUrl(postgresUrl)) {
	console.error('DATABASE_URL must be a PostgreSQL URL (postgres://user@host:port/database).');
	process.exit(64);
}
const sourceName = postgresUrl ? describePostgresUrl(postgresUrl) : resolveDatabasePath();

const USAGE = `Usage: npm run db:backup -- <backup-file> [--force]

Copies the database (now ${sourceName}: DATABASE_URL, else DATABASE_PATH) to <backup-file>
while the site keeps running. An existing <backup-file> is kept unless --force is given.`;

const EXIT_CODES: Record<BackupProblem, number> = {
	'source-missing': 66,
	'destination-exists': 67,
	'destination-is-source': 67,
	'destination-unwritable': 73,
};

function fail(message: string, code: number): never {
	console.error(message);
	process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	console.log(USAGE);
	process.exit(0);
}
const force = args.includes('--force');
const unknownOptions = args.filter((arg) => arg.startsWith('-') && arg !== '--force');
const files = args.filter((arg) => !arg.startsWith('-'));
if (unknownOptions.length > 0) fail(`Unknown option ${unknownOptions.join(', ')}.\n\n${USAGE}`, 64);
if (files.length !== 1) {
	fail(`${files.length === 0 ? 'Name the backup file.' : 'Name one backup file.'}\n\n${USAGE}`, 64);
}

// npm runs scripts in the project folder; a relative name means where the command was typed.
const destination = resolve(process.env.INIT_CWD ?? process.cwd(), files[0]!);
const megabytesOrKilobytes = (bytes: number) =>
	bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
const replacedNote = (replaced: boolean) => (replaced ? ' (replaced the old file)' : '');
try {
	if (postgresUrl) {
		const result = await backupPostgres(postgresUrl, destination, { overwrite: force });
		console.log(
			`Backed up ${sourceName} to ${destination}${replacedNote(result.replaced)}: ` +
				`${result.tables} tables, ${megabytesOrKilobytes(result.bytes)}, ` +
				`read back by pg_restore --list, ${Math.round(result.milliseconds)} ms.`,
		);
	} else {
		const result = await backupDatabase(sourceName, destination, { overwrite: force });
		console.log(
			`Backed up ${sourceName} to ${destination}${replacedNote(result.replaced)}: ` +
				`${result.pages} pages, ${megabytesOrKilobytes(result.bytes)}, integrity check ok, ` +
				`${Math.round(result.milliseconds)} ms.`,
		);
	}
} catch (error) {
	if (error instanceof BackupError)
		fail(`Backup not made: ${error.message}`, EXIT_CODES[error.problem]);
	fail(`Backup failed: ${(error as Error).message}`, 70);
}
