import { sqliteStore } from '../../db/store.ts';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../db/migrate.ts';
import { moderationEvents } from '../../db/schema.ts';
import { isDatabaseReadable } from '../../src/lib/server/health.ts';
import {
	createTempDatabase,
	createTempFolder,
	type TempDatabase,
} from '../helpers/temp-database.ts';

const run = promisify(execFile);
const migrationCount = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;

function schemaOf(database: Database): unknown[] {
	return database.all(sql`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`);
}

function appliedMigrations(database: Database): number {
	const [row] = database.all<{ total: number }>(
		sql`SELECT count(*) AS total FROM __drizzle_migrations`,
	);
	return row!.total;
}

let temp: TempDatabase | undefined;
afterEach(() => {
	temp?.remove();
	temp = undefined;
});

describe('migrateDatabase', () => {
	it('creates every table of the data model in an empty file', () => {
		temp = createTempDatabase();
		const tables = temp.database
			.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table'`)
			.map(({ name }) => name);
		expect(tables).toEqual(
			expect.arrayContaining([
				'submissions',
				'moderators',
				'sessions',
				'moderation_events',
				'reports',
				'reaction_counts',
			]),
		);
		expect(appliedMigrations(temp.database)).toBe(migrationCount);
	});

	it('changes nothing when run a second time', () => {
		temp = createTempDatabase();
		const before = schemaOf(temp.database);
		expect(migrateDatabase(temp.database)).toBe(0);
		expect(schemaOf(temp.database)).toEqual(before);
		expect(appliedMigrations(temp.database)).toBe(migrationCount);
	});

	// Three Node processes starting at once take far longer than 5 s on a busy machine.
	it(
		'applies each migration once when two processes start on the same file at once',
		{ timeout: 60_000 },
		async () => {
			const folder = createTempFolder();
			const databasePath = join(folder, 'shared.db');
			try {
				const migrate = () =>
					run(process.execPath, ['scripts/db-migrate.ts'], {
						env: { ...process.env, DATABASE_PATH: databasePath },
					});
				const results = await Promise.all([migrate(), migrate(), migrate()]);
				const appliedPerProcess = results.map(({ stdout }) =>
					Number(/(\d+) migration/.exec(stdout)?.[1]),
				);
				expect(appliedPerProcess.toSorted()).toEqual([0, 0, migrationCount]);
				const database = openDatabase(databasePath);
				expect(appliedMigrations(database)).toBe(migrationCount);
				database.$client.close();
			} finally {
				rmSync(folder, { recursive: true, force: true });
			}
		},
	);
});

describe('openDatabase', () => {
	it('creates missing folders and tunes the connection for safety', () => {
		const folder = createTempFolder();
		try {
			const database = openDatabase(join(folder, 'nested', 'deeper', 'site.db'));
			const pragma = (name: string) => database.$client.pragma(name, { simple: true });
			expect(pragma('journal_mode')).toBe('wal');
			expect(pragma('foreign_keys')).toBe(1);
			expect(pragma('busy_timeout')).toBeGreaterThanOrEqual(1000);
			expect(pragma('secure_delete')).toBe(1);
			expect(pragma('synchronous')).toBe(2);
			database.$client.close();
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('gives the same query the same answer however the statement was last used', () => {
		temp = createTempDatabase();
		const { $client: client } = temp.database;
		const query = "SELECT 'pending' AS status, 2 AS version";
		expect(client.prepare(query).pluck().get()).toBe('pending');
		expect(client.prepare(query).raw().get()).toEqual(['pending', 2]);
		expect(client.prepare(query).get()).toEqual({ status: 'pending', version: 2 });
		expect(temp.database.all(sql.raw(query))).toEqual([{ status: 'pending', version: 2 }]);
	});
});

describe('moderation_events', () => {
	it('refuses to rewrite or erase a recorded decision', () => {
		temp = createTempDatabase();
		const { database } = temp;
		database
			.insert(moderationEvents)
			.values({ action: 'publish', reason: 'fits the guidelines', createdAt: new Date() })
			.run();
		expect(() => database.update(moderationEvents).set({ reason: 'changed' }).run()).toThrow(
			/append-only/,
		);
		expect(() => database.delete(moderationEvents).run()).toThrow(/append-only/);
		expect(database.select().from(moderationEvents).all()).toHaveLength(1);
	});

	// Our build of SQLite turns recursive triggers on by default, which makes REPLACE fire the
	// DELETE trigger; any other client (the sqlite3 shell, another driver) has them off.
	describe.each([
		['off', 0],
		['on', 1],
	])('with recursive triggers %s', (_label, recursiveTriggers) => {
		const overwrites = {
			REPLACE: (id: number) =>
				`REPLACE INTO moderation_events (id, action, reason, created_at) VALUES (${id}, 'publish', 'rewritten', 0)`,
			'INSERT OR REPLACE': (id: number) =>
				`INSERT OR REPLACE INTO moderation_events (id, action, reason, created_at) VALUES (${id}, 'publish', 'rewritten', 0)`,
			UPSERT: (id: number) =>
				`INSERT INTO moderation_events (id, action, reason, created_at) VALUES (${id}, 'publish', 'rewritten', 0) ON CONFLICT (id) DO UPDATE SET reason = 'rewritten'`,
			UPDATE: (id: number) => `UPDATE moderation_events SET reason = 'rewritten' WHERE id = ${id}`,
			DELETE: (id: number) => `DELETE FROM moderation_events WHERE id = ${id}`,
		};
		it.each(Object.entries(overwrites))('refuses %s of a recorded decision', (_name, statement) => {
			temp = createTempDatabase();
			const client = temp.database.$client;
			client.pragma(`recursive_triggers = ${recursiveTriggers}`);
			temp.database
				.insert(moderationEvents)
				.values({ action: 'publish', reason: 'fits the guidelines', createdAt: new Date(0) })
				.run();
			const [recorded] = temp.database.select().from(moderationEvents).all();
			expect(() => client.exec(statement(recorded!.id))).toThrow(/append-only/);
			expect(temp.database.select().from(moderationEvents).all()).toEqual([recorded]);
		});
	});
});

describe('isDatabaseReadable', () => {
	it('is true for a healthy database and false once the file is unreadable', async () => {
		temp = createTempDatabase();
		expect(await isDatabaseReadable(sqliteStore(temp.database))).toBe(true);
		temp.database.$client.close();
		expect(await isDatabaseReadable(sqliteStore(temp.database))).toBe(false);
		temp.database = openDatabase(temp.path);
	});
});
