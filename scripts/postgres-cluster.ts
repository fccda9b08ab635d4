import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { migratePostgres } from '../db/migrate-postgres.ts';
import { postgresProgram } from '../db/postgres-programs.ts';

const run = promisify(execFile);

export interface PostgresCluster {
	/** A connection string for the superuser `postgres` over the cluster's Unix socket. */
	url: string;
	/** The cluster's data folder: what a copy of the server's disk would hold. */
	dataFolder: string;
	/** A new, empty database in the cluster: its connection string. */
	createDatabase(): Promise<string>;
	/** A new database with every migration in db/migrations-pg applied: its connection string. */
	createMigratedDatabase(): Promise<string>;
	/** Stops the server at once, as a crash would (immediate mode), keeping its data. */
	halt(): Promise<void>;
	/** Starts a halted server again on the same data and port. */
	resume(): Promise<void>;
	/** Stops the server (fast shutdown) and deletes its folder. */
	stop(): Promise<void>;
}

/** A TCP port nobody listens on now: only the socket file's name here, as there is no TCP. */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	if (address === null || typeof address === 'string') throw new Error('no free port found');
	return address.port;
}

/** The uid and gid of the `postgres` account the Debian package created. */
async function postgresAccount(): Promise<{ uid: number; gid: number }> {
	const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
		run('id', ['-u', 'postgres']),
		run('id', ['-g', 'postgres']),
	]);
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts a throw-away PostgreSQL cluster for one test file: `initdb` in a fresh folder
 * under /tmp (a short path: a Unix socket's path may not pass 107 bytes), reachable only
 * through its Unix socket (no TCP at all) with trust authentication, fsync on as in
 * production, and `pg_ctl -w start`. PostgreSQL refuses to run as root, so as root the
 * folder goes to the `postgres` account and every command runs as it (`runuser`).
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
	const folder = mkdtempSync('/tmp/pg-');
	const data = join(folder, 'data');
	const asRoot = process.getuid?.() === 0;
	if (asRoot) {
		const { uid, gid } = await postgresAccount();
		chownSync(folder, uid, gid);
	}
	const pgRun = (program: string, args: string[]) =>
		asRoot
			? run('runuser', ['-u', 'postgres', '--', postgresProgram(program), ...args], { cwd: folder })
			: run(postgresProgram(program), args, { cwd: folder });

	const port = await freePort();
	// --no-sync skips flushing initdb's own files (a throw-away cluster); the server syncs.
	await pgRun('initdb', [
		'--pgdata',
		data,
		'--username',
		'postgres',
		'--auth-local',
		'trust',
		'--auth-host',
		'reject',
		'--encoding',
		'UTF8',
		'--locale',
		'C.UTF-8',
		'--no-sync',
	]);
	appendFileSync(
		join(data, 'postgresql.conf'),
		[
			`listen_addresses = ''`,
			`unix_socket_directories = '${folder}'`,
			`port = ${port}`,
			'fsync = on',
			// As SECURITY.md asks of production: old WAL segments are removed, not kept for reuse.
			'wal_recycle = off',
			'',
		].join('\n'),
	);
	const log = join(folder, 'server.log');
	await pgRun('pg_ctl', ['--pgdata', data, '--log', log, '--wait', 'start']);
	const url = `postgresql://postgres@${encodeURIComponent(folder)}:${port}/postgres`;
	return {
		url,
		dataFolder: data,
		createDatabase: () => createDatabaseIn(url),
		createMigratedDatabase: () => createMigratedDatabaseIn(url),
		async halt() {
			await pgRun('pg_ctl', ['--pgdata', data, '--mode', 'immediate', '--wait', 'stop']);
		},
		async resume() {
			await pgRun('pg_ctl', ['--pgdata', data, '--log', log, '--wait', 'start']);
		},
		async stop() {
			try {
				await pgRun('pg_ctl', ['--pgdata', data, '--mode', 'fast', '--wait', 'stop']);
			} catch (error) {
				// Already stopped (a Ctrl-C reaches the server too); still running: keep its files
				// rather than delete them under it.
				if (existsSync(join(data, 'postmaster.pid'))) throw error;
			}
			rmSync(folder, { recursive: true, force: true });
		},
	};
}

/**
 * A new, empty database in the cluster whose superuser connects at `clusterUrl`: its
 * connection string. Random names: test processes of one run share one cluster.
 */
export async function createDatabaseIn(clusterUrl: string, template?: string): Promise<string> {
	const name = `test_${randomBytes(8).toString('hex')}`;
	const admin = new pg.Client({ connectionString: clusterUrl });
	await admin.connect();
	try {
		await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
	} finally {
		await admin.end();
	}
	const databaseUrl = new URL(clusterUrl);
	databaseUrl.pathname = `/${name}`;
	return databaseUrl.href;
}

/** Per cluster, in this process: a database migrated once, copied for every test that asks. */
const migratedTemplates = new Map<string, Promise<string>>();

/** A new database in the cluster with every migration in db/migrations-pg applied. */
async function createMigratedDatabaseIn(clusterUrl: string): Promise<string> {
	let template = migratedTemplates.get(clusterUrl);
	if (!template) {
		template = (async () => {
			const templateUrl = await createDatabaseIn(clusterUrl);
			await migratePostgres(templateUrl);
			return new URL(templateUrl).pathname.slice(1);
		})();
		migratedTemplates.set(clusterUrl, template);
	}
	// A copy of the migrated database: the migrations' own test (postgres-schema) migrates an
	// empty one itself.
	return createDatabaseIn(clusterUrl, await template);
}
