import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { POSTGRES_MIGRATIONS_FOLDER } from '../../db/migrate-postgres.ts';
import { postgresProgram } from '../../db/postgres-programs.ts';
import { openPostgresStore, type Scope, type Store } from '../../db/store.ts';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.ts';
import { createTempFolder } from '../helpers/temp-database.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const migrationCount = readMigrationFiles({ migrationsFolder: POSTGRES_MIGRATIONS_FOLDER }).length;
const folder = createTempFolder('common-thread-pg-ops-');

let cluster: PostgresCluster;
const stores: Store[] = [];
beforeAll(async () => {
	cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
	await Promise.all(stores.map((store) => store.close()));
	await cluster?.stop();
	rmSync(folder, { recursive: true, force: true });
}, 60_000);

/** `npm run <script> -- <args>` as an operator types it in the temp folder (seconds each). */
async function npmRun(
	script: string,
	args: string[],
	env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await promisify(execFile)(
			'npm',
			['--prefix', ROOT, 'run', '--silent', script, '--', ...args],
			{ cwd: folder, env: { ...process.env, ...env } },
		);
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failure = error as { code: number; stdout: string; stderr: string };
		return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
	}
}

function storeAt(url: string): Store {
	const store = openPostgresStore(url);
	stores.push(store);
	return store;
}

const addSetting =
	(name: string) =>
	({ query, tables }: Scope) =>
		query.insert(tables.siteSettings).values({ name, value: 'kept' });

const settingNames = (store: Store) =>
	store.read(async ({ query, tables }) =>
		(await query.select({ name: tables.siteSettings.name }).from(tables.siteSettings))
			.map((row) => row.name)
			.sort(),
	);

describe('npm run db:migrate with DATABASE_URL', { timeout: 60_000 }, () => {
	it('migrates an empty PostgreSQL database, then finds nothing left to do', async () => {
		const url = await cluster.createDatabase();
		const first = await npmRun('db:migrate', [], { DATABASE_URL: url });
		expect(first.code).toBe(0);
		expect(first.stdout).toContain(`${migrationCount} migration(s) applied.`);
		const second = await npmRun('db:migrate', [], { DATABASE_URL: url });
		expect(second.stdout).toContain('0 migration(s) applied.');
		expect(await settingNames(storeAt(url))).toEqual([]);
	});

	it('takes the Unix-socket form of the URL, and shows it without the password', async () => {
		// postgresql://postgres@<folder>:<port>/<database> as the socket form libpq documents:
		// no host in the authority, the folder and port as parameters.
		const { hostname, port, pathname } = new URL(await cluster.createDatabase());
		const url =
			`postgresql://postgres@${pathname}?host=${hostname}&port=${port}` +
			'&password=unused-by-trust';
		const result = await npmRun('db:migrate', [], { DATABASE_URL: url });
		expect(result).toMatchObject({ code: 0, stderr: '' });
		expect(result.stdout).toContain(`${migrationCount} migration(s) applied.`);
		expect(result.stdout).toContain(`host=${decodeURIComponent(hostname)}`);
		expect(result.stdout).not.toContain('unused-by-trust');
	});

	it('refuses a DATABASE_URL that is not PostgreSQL', async () => {
		const result = await npmRun('db:migrate', [], { DATABASE_URL: 'mysql://localhost/site' });
		expect(result.code).toBe(64);
		expect(result.stderr).toContain('DATABASE_URL must be a PostgreSQL URL');
	});
});

describe('npm run db:backup with DATABASE_URL', { timeout: 60_000 }, () => {
	it('dumps every transaction committed before it began while writes go on, and pg_restore brings them back', async () => {
		const url = await cluster.createMigratedDatabase();
		const live = storeAt(url);
		const committedBefore: string[] = [];
		for (let index = 0; index < 20; index++) {
			await live.transact(addSetting(`before ${index}`));
			committedBefore.push(`before ${index}`);
		}
		let writing = true;
		const writer = (async () => {
			for (let index = 0; writing; index++) await live.transact(addSetting(`during ${index}`));
		})();
		// The cluster trusts its socket; the password is there to show it is never printed.
		const withPassword = new URL(url);
		withPassword.password = 'never-printed-secret';
		const backup = await npmRun('db:backup', ['site.dump'], { DATABASE_URL: withPassword.href });
		writing = false;
		await writer;
		expect(backup.code).toBe(0);
		expect(backup.stdout).toMatch(/Backed up .* to .*site\.dump: \d+ tables/);
		expect(backup.stdout + backup.stderr).not.toContain('never-printed-secret');

		// As README's "Backup and restore" says: pg_restore into a new, empty database.
		const restoredUrl = await cluster.createDatabase();
		await promisify(execFile)(postgresProgram('pg_restore'), [
			'--no-owner',
			`--dbname=${restoredUrl}`,
			join(folder, 'site.dump'),
		]);
		const restored = await settingNames(storeAt(restoredUrl));
		expect(restored).toEqual(expect.arrayContaining(committedBefore));
		const migrate = await npmRun('db:migrate', [], { DATABASE_URL: restoredUrl });
		expect(migrate.stdout).toContain('0 migration(s) applied.');
	});

	it('keeps an existing file unless --force, and leaves no file when the database cannot be read', async () => {
		const url = await cluster.createMigratedDatabase();
		writeFileSync(join(folder, 'existing.dump'), 'an older backup');
		const kept = await npmRun('db:backup', ['existing.dump'], { DATABASE_URL: url });
		expect(kept.code).toBe(67);
		expect(kept.stderr).toContain('already exists');
		const replaced = await npmRun('db:backup', ['existing.dump', '--force'], {
			DATABASE_URL: url,
		});
		expect(replaced.code).toBe(0);
		expect(replaced.stdout).toContain('(replaced the old file)');

		const missing = new URL(url);
		missing.pathname = '/no_such_database';
		const unreadable = await npmRun('db:backup', ['never.dump'], { DATABASE_URL: missing.href });
		expect(unreadable.code).toBe(66);
		expect(unreadable.stderr).toContain('Cannot read the database');
		expect(existsSync(join(folder, 'never.dump'))).toBe(false);
		expect(readdirSync(folder).filter((name) => name.endsWith('.partial'))).toEqual([]);

		const nowhere = await npmRun('db:backup', ['no-folder/site.dump'], { DATABASE_URL: url });
		expect(nowhere.code).toBe(73);
	});
});
