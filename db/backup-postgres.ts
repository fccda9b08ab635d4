import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { BackupError, checkDestination, moveIntoPlace, partialPathFor } from './backup.ts';
import { postgresProgram } from './postgres-programs.ts';
import { connectionSettings, describePostgresUrl } from './postgres-url.ts';

const run = promisify(execFile);

export interface PostgresBackupResult {
	destination: string;
	/** Tables whose rows the dump holds, as `pg_restore --list` reads them back. */
	tables: number;
	bytes: number;
	milliseconds: number;
	replaced: boolean;
}

function stderrOf(error: unknown): string {
	const stderr = (error as { stderr?: unknown }).stderr;
	return (typeof stderr === 'string' && stderr.trim()) || (error as Error).message;
}

/**
 * Dumps the PostgreSQL database at `url` to `destination` with `pg_dump --format=custom`,
 * while servers keep using it: pg_dump reads one snapshot, so the copy is the database as
 * of one moment. The dump is written next to `destination` under a temporary name, read
 * back whole by `pg_restore --list` (a dump it cannot list is no backup), and only then
 * moved into place. Restoring is `pg_restore` into an empty database (README, "Backup and
 * restore"). The password, if the URL has one, goes to pg_dump in its environment, never
 * on its command line, where any user of the machine could read it.
 */
export async function backupPostgres(
	url: string,
	destination: string,
	options: { overwrite?: boolean } = {},
): Promise<PostgresBackupResult> {
	const startedAt = performance.now();
	const overwrite = options.overwrite ?? false;
	const existed = checkDestination(destination, overwrite);
	const partial = partialPathFor(destination);
	const { connectionString, env } = connectionSettings(url);
	try {
		try {
			await run(
				postgresProgram('pg_dump'),
				['--format=custom', `--file=${partial}`, `--dbname=${connectionString}`],
				{ env: { ...process.env, ...env } },
			);
		} catch (error) {
			const reason = stderrOf(error);
			throw /output file|No such file|Permission denied|No space/i.test(reason)
				? new BackupError('destination-unwritable', `Cannot write ${destination}: ${reason}`)
				: new BackupError(
						'source-missing',
						`Cannot read the database at ${describePostgresUrl(url)}: ${reason}`,
					);
		}
		const { stdout: contents } = await run(postgresProgram('pg_restore'), ['--list', partial]);
		const tables = contents.split('\n').filter((line) => / TABLE DATA /.test(line)).length;
		return { tables, ...moveIntoPlace(partial, destination, { overwrite, existed, startedAt }) };
	} finally {
		rmSync(partial, { force: true });
	}
}
