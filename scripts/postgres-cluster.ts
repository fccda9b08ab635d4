import { execFile } from 'node:child_process';
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
	/** A new, empty database in the cluster: its connection string. */
	createDatabase(): Promise<string>;
	/** A new database with every migration in db/migrations-pg applied: its connection string. */
	createMigratedDatabase(): Promise<string>;
	/**
	 * Stops the server (fast shutdown) and deletes its folder. A server already gone (Ctrl-C
	 * in a terminal reaches the postmaster too, which shuts down on SIGINT) is not an error.
	 */
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
 * Starts a throw-away PostgreSQL cluster (for a test file, or a benchmark run): `initdb` in a fresh folder
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
			'',
		].join('\n'),
	);
	const log = join(folder, 'server.log');
	await pgRun('pg_ctl', ['--pgdata', data, '--log', log, '--wait', 'start']);
	const url = `postgresql://postgres@${encodeURIComponent(folder)}:${port}/postgres`;
	let databases = 0;
	async function createDatabase(): Promise<string> {
		const name = `test_${++databases}`;
		const admin = new pg.Client({ connectionString: url });
		await admin.connect();
		try {
			await admin.query(`CREATE DATABASE ${name}`);
		} finally {
			await admin.end();
		}
		const databaseUrl = new URL(url);
		databaseUrl.pathname = `/${name}`;
		return databaseUrl.href;
	}
	return {
		url,
		createDatabase,
		async createMigratedDatabase() {
			const databaseUrl = await createDatabase();
			await migratePostgres(databaseUrl);
			return databaseUrl;
		},
		async stop() {
			try {
				await pgRun('pg_ctl', ['--pgdata', data, '--mode', 'fast', '--wait', 'stop']);
			} catch (error) {
				// Still running: keep its files rather than delete them under it.
				if (existsSync(join(data, 'postmaster.pid'))) throw error;
			}
			rmSync(folder, { recursive: true, force: true });
		},
	};
}
