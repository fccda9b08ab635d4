import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get } from '../helpers/http.ts';
import { createDatabaseIn } from '../helpers/postgres-cluster.ts';
import { POSTGRES_CLUSTER_VARIABLE, startServer, TEST_ENGINE } from '../helpers/server.ts';
import { createTempFolder } from '../helpers/temp-database.ts';

describe('GET /healthz', () => {
	it('answers 200 ok after reading the database', async () => {
		const response = await get('/healthz');
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(await response.json()).toEqual({ status: 'ok' });
	});

	it.skipIf(TEST_ENGINE === 'postgres')(
		'answers 503 once the database file can no longer be read (SQLite only: it overwrites the file)',
		async () => {
			const server = await startServer();
			try {
				expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
				// Garbage over the database, its write-ahead log and its shared index.
				for (const suffix of ['', '-wal', '-shm']) {
					writeFileSync(server.databasePath + suffix, Buffer.alloc(32_768, suffix ? 0 : 0x41));
				}
				const response = await fetch(`${server.baseUrl}/healthz`);
				expect(response.status).toBe(503);
				expect(await response.json()).toEqual({ status: 'unavailable' });
			} finally {
				await server.stop();
			}
		},
	);
});

describe('server start', () => {
	it.skipIf(TEST_ENGINE === 'postgres')(
		'creates and migrates the database at DATABASE_PATH, folders included (SQLite only: a file)',
		async () => {
			const server = await startServer();
			try {
				expect(existsSync(server.databasePath)).toBe(true);
				expect(server.output()).toMatch(/migration\(s\) applied/);
			} finally {
				await server.stop();
			}
		},
	);

	it('migrates a new database as it starts and says where it is', async () => {
		const server = await startServer();
		try {
			const where =
				server.engine === 'sqlite' ? server.databasePath : new URL(server.databaseUrl).pathname;
			expect(server.output()).toMatch(/Database ready at .* \([1-9]\d* migration\(s\) applied\)/);
			expect(server.output()).toContain(where);
			expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
		} finally {
			await server.stop();
		}
	});

	it.runIf(TEST_ENGINE === 'postgres')(
		'never prints the password in DATABASE_URL (PostgreSQL only)',
		async () => {
			const url = new URL(await createDatabaseIn(process.env[POSTGRES_CLUSTER_VARIABLE]!));
			// The test cluster trusts its socket: any password connects, and none may show.
			url.password = 'sesame-kettle-9431';
			const server = await startServer({ databaseUrl: url.href });
			try {
				expect(server.output()).toContain(url.pathname);
				expect(server.output()).not.toContain('sesame-kettle-9431');
			} finally {
				await server.stop();
			}
		},
	);

	it('says how to add a moderator while there is none', async () => {
		const server = await startServer();
		try {
			expect(server.output()).toContain('npm run moderator -- add');
		} finally {
			await server.stop();
		}
	});

	it('applies no migration on a second start', async () => {
		const folder = createTempFolder();
		const databasePath = join(folder, 'site.db');
		try {
			const first = await startServer({ databasePath });
			await first.stop();
			const second = await startServer({ databasePath, databaseUrl: first.databaseUrl });
			expect(second.output()).toContain('(0 migration(s) applied)');
			expect((await fetch(`${second.baseUrl}/healthz`)).status).toBe(200);
			await second.stop();
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
