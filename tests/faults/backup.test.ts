import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { createTempFolder } from '../helpers/temp-database.ts';
import {
	FAULT_LIMITS,
	formTokenFrom,
	lookUpReceipt,
	lostStories,
	startSubmissionLoad,
	waitFor,
	type SentStory,
} from './support.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const folder = createTempFolder('common-thread-backup-');
const databasePath = join(folder, 'data', 'common-thread.db');
let server: RunningServer | undefined;
afterAll(async () => {
	await server?.stop();
	rmSync(folder, { recursive: true, force: true });
});

/**
 * `npm run db:backup -- <args>` as an operator types it in the temp folder (relative names
 * are relative to it), against the database at `DATABASE_PATH`.
 */
async function runBackup(
	args: string[],
	env: { DATABASE_PATH: string } = { DATABASE_PATH: databasePath },
): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await promisify(execFile)(
			'npm',
			['--prefix', ROOT, 'run', '--silent', 'db:backup', '--', ...args],
			{ cwd: folder, env: { ...process.env, ...env } },
		);
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failure = error as { code: number; stdout: string; stderr: string };
		return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
	}
}

/** Opens a backup file on its own, read-only, as a restore would rely on it. */
function inspectBackup(path: string): { integrity: string; journalMode: string } {
	const backup = new Sqlite(path, { readonly: true, fileMustExist: true });
	try {
		return {
			integrity: String(backup.pragma('integrity_check', { simple: true })),
			journalMode: String(backup.pragma('journal_mode', { simple: true })),
		};
	} finally {
		backup.close();
	}
}

describe('npm run db:backup', () => {
	const backupPath = join(folder, 'backup.db');
	/** Answered before the backup began: the backup must hold each of them. */
	const answeredBefore = new Map<string, SentStory>();
	/** Answered after the backup had finished: a restore of it must not know them. */
	const answeredAfter = new Map<string, SentStory>();

	it('copies the live database during a submission load, with every story answered before it began', async () => {
		server = await startServer({ databasePath, env: FAULT_LIMITS });
		const load = startSubmissionLoad({
			baseUrls: [server.baseUrl],
			formToken: await formTokenFrom(server.baseUrl),
			workers: 8,
			label: 'backup',
		});
		try {
			await waitFor('60 answered submissions', () => load.answered.size >= 60);
			for (const [code, story] of load.answered) answeredBefore.set(code, story);
			const receivedBefore = load.answered.size;

			const result = await runBackup(['backup.db']);
			expect(result.code, result.stderr).toBe(0);
			expect(result.stdout).toContain(`to ${backupPath}`);
			expect(result.stdout).toMatch(/integrity check ok/);
			// The load went on while the backup ran, and goes on after it.
			const receivedByEnd = load.answered.size;
			expect(receivedByEnd).toBeGreaterThan(receivedBefore);
			await waitFor('20 more answered submissions', () => load.answered.size >= receivedByEnd + 20);
			for (const [code, story] of [...load.answered].slice(receivedByEnd)) {
				answeredAfter.set(code, story);
			}
		} finally {
			await load.stop();
		}
		expect(load.outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);

		expect(inspectBackup(backupPath)).toEqual({ integrity: 'ok', journalMode: 'delete' });
		expect(lostStories(backupPath, answeredBefore)).toEqual([]);
	});

	it('restores as the README says: the server starts on the copy and old receipts work', async () => {
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
		expect(readme).toMatch(/## Backup and restore/);

		// Stop the server; copy the backup over DATABASE_PATH; remove stale -wal/-shm; start.
		await server!.stop();
		server = undefined;
		copyFileSync(backupPath, databasePath);
		for (const suffix of ['-wal', '-shm']) rmSync(databasePath + suffix, { force: true });
		server = await startServer({ databasePath, env: FAULT_LIMITS });

		const [beforeCode, beforeStory] = [...answeredBefore][0]!;
		const before = await lookUpReceipt(server.baseUrl, beforeCode);
		expect(before.status).toBe(200);
		expect(before.html).toContain(beforeStory.title);
		// Stories sent after the backup are not in it: the site really runs on the restored copy.
		const [afterCode] = [...answeredAfter].at(-1)!;
		expect((await lookUpReceipt(server.baseUrl, afterCode)).status).toBe(404);
		expect((await fetch(new URL('/healthz', server.baseUrl))).status).toBe(200);
	});

	it('keeps an existing file unless --force, and replaces it with --force', async () => {
		const existing = join(folder, 'existing.db');
		writeFileSync(existing, 'not a database, and precious');
		const refused = await runBackup(['existing.db']);
		expect(refused.code).toBe(67);
		expect(refused.stderr).toMatch(/already exists.*--force/);
		expect(readFileSync(existing, 'utf8')).toBe('not a database, and precious');

		const forced = await runBackup(['existing.db', '--force']);
		expect(forced.code, forced.stderr).toBe(0);
		expect(forced.stdout).toMatch(/replaced the old file/);
		expect(inspectBackup(existing).integrity).toBe('ok');
	});

	it('explains a missing argument, an unwritable path, a missing database, and refuses the live file', async () => {
		const missing = await runBackup([]);
		expect(missing.code).toBe(64);
		expect(missing.stderr).toMatch(
			/Name the backup file[\s\S]*Usage: npm run db:backup -- <backup-file>/,
		);

		writeFileSync(join(folder, 'a-file'), '');
		const unwritable = await runBackup(['a-file/backup.db']);
		expect(unwritable.code).toBe(73);
		expect(unwritable.stderr).toMatch(
			/Cannot write .*a-file\/backup\.db: .*a-file is not a folder/,
		);
		const noFolder = await runBackup(['no-such-folder/backup.db']);
		expect(noFolder.code).toBe(73);
		expect(noFolder.stderr).toMatch(/no-such-folder does not exist/);

		const live = await runBackup([databasePath, '--force']);
		expect(live.code).toBe(67);
		expect(live.stderr).toMatch(/is the live database itself/);
		expect((await fetch(new URL('/healthz', server!.baseUrl))).status).toBe(200);

		const noDatabase = await runBackup(['nothing.db'], {
			DATABASE_PATH: join(folder, 'absent.db'),
		});
		expect(noDatabase.code).toBe(66);
		expect(noDatabase.stderr).toMatch(/There is no database at .*absent\.db/);
		expect(existsSync(join(folder, 'absent.db'))).toBe(false);
		expect(existsSync(join(folder, 'nothing.db'))).toBe(false);
	});
});
