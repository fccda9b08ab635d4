import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get } from '../helpers/http.ts';
import { startServer } from '../helpers/server.ts';
import { createTempFolder } from '../helpers/temp-database.ts';

describe('GET /healthz', () => {
	it('answers 200 ok after reading the database', async () => {
		const response = await get('/healthz');
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(await response.json()).toEqual({ status: 'ok' });
	});

	it('answers 503 once the database file can no longer be read', async () => {
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
	});
});

describe('server start', () => {
	it('creates and migrates the database at DATABASE_PATH, folders included', async () => {
		const server = await startServer();
		try {
			expect(existsSync(server.databasePath)).toBe(true);
			expect(server.output()).toMatch(/migration\(s\) applied/);
		} finally {
			await server.stop();
		}
	});

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
			const second = await startServer({ databasePath });
			expect(second.output()).toContain('(0 migration(s) applied)');
			expect((await fetch(`${second.baseUrl}/healthz`)).status).toBe(200);
			await second.stop();
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
