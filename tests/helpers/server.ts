import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openStore, type Store } from '../../db/store.ts';
import { SERVER_BUNDLE } from '../../scripts/server-bundle.ts';
import { SERVER_NODE_FLAGS } from '../../scripts/server-flags.ts';
import { createDatabaseIn } from './postgres-cluster.ts';
import { createTempFolder } from './temp-database.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export type TestEngine = 'sqlite' | 'postgres';

/** The engine test servers run on: PostgreSQL with `TEST_ENGINE=postgres`, else SQLite. */
export const TEST_ENGINE: TestEngine =
	process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * The run's throw-away PostgreSQL cluster (its superuser's connection string), set by the
 * global setup (server-setup.ts) for every test process of the run.
 */
export const POSTGRES_CLUSTER_VARIABLE = 'TEST_POSTGRES_CLUSTER_URL';

/** Test servers on one database key addresses alike, as one deployment's servers do. */
const TEST_ADDRESS_KEY_SECRET = Buffer.alloc(32, 'test-secret').toString('base64');

/** Where a server's data is: both fields are always set, the engine decides which is used. */
export interface ServerDatabase {
	/** The SQLite file (DATABASE_PATH); on PostgreSQL the server ignores it. */
	databasePath: string;
	/** The PostgreSQL database (DATABASE_URL); empty on SQLite. */
	databaseUrl: string;
}

/**
 * A store of one's own on a test server's database, to check or set up what is stored on
 * either engine; the caller closes it.
 */
export function openServerStore({ databasePath, databaseUrl }: ServerDatabase): Store {
	return openStore({ DATABASE_URL: databaseUrl, DATABASE_PATH: databasePath });
}

export interface RunningServer extends ServerDatabase {
	baseUrl: string;
	engine: TestEngine;
	/** A store of one's own on this server's database (openServerStore); close it. */
	openStore(): Store;
	/** The server's process id, e.g. to limit its resources with `prlimit`. */
	pid: number;
	/** Everything the server printed so far (stdout and stderr). */
	output(): string;
	/** Asks the server to shut down (SIGTERM) and waits until it has. */
	stop(): Promise<void>;
	/**
	 * Kills the server at once (SIGKILL), as a crash or a power cut would, and waits until it
	 * is gone. A database passed in as `databasePath` stays, to start another server on it.
	 */
	kill(): Promise<void>;
}

/** A fresh database in the run's cluster: the server migrates it as it starts. */
async function createServerDatabase(): Promise<string> {
	const clusterUrl = process.env[POSTGRES_CLUSTER_VARIABLE];
	if (!clusterUrl) {
		throw new Error(
			`TEST_ENGINE=postgres needs the cluster the global setup starts (${POSTGRES_CLUSTER_VARIABLE}).`,
		);
	}
	return createDatabaseIn(clusterUrl);
}

/**
 * Starts the built server (`dist/serve.mjs`, bundled from `scripts/serve.ts`) on a free
 * port. On SQLite its database is a file in a temp folder of its own; on PostgreSQL
 * (`engine`, by default TEST_ENGINE) a fresh database in the run's cluster. Pass
 * `databasePath` and `databaseUrl` to start it on another server's database instead. The
 * build must exist: the global setup makes sure of it.
 */
export async function startServer(
	options: {
		engine?: TestEngine;
		databasePath?: string;
		databaseUrl?: string;
		env?: Record<string, string>;
	} = {},
): Promise<RunningServer> {
	const engine = options.engine ?? TEST_ENGINE;
	// On PostgreSQL too: anything that still opens SQLite (it should not) stays in there.
	const folder = options.databasePath ? undefined : createTempFolder('common-thread-server-');
	const databasePath = options.databasePath ?? join(folder!, 'data', 'common-thread.db');
	const databaseUrl =
		engine === 'sqlite' ? '' : options.databaseUrl || (await createServerDatabase());
	const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(ROOT, SERVER_BUNDLE)], {
		cwd: ROOT,
		env: {
			// The secret every server of one deployment shares (address-key.ts).
			ADDRESS_KEY_SECRET: TEST_ADDRESS_KEY_SECRET,
			...process.env,
			...options.env,
			HOST: '127.0.0.1',
			PORT: '0',
			DATABASE_PATH: databasePath,
			DATABASE_URL: databaseUrl,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));

	const baseUrl = await new Promise<string>((resolveUrl, reject) => {
		const onData = () => {
			const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
			if (match) {
				child.stdout.off('data', onData);
				resolveUrl(match[1]!);
			}
		};
		child.stdout.on('data', onData);
		child.once('exit', (code) =>
			reject(new Error(`server exited (${code}) before listening:\n${output}`)),
		);
	});

	const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
	const end = async (signal: NodeJS.Signals) => {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		await exited;
		if (folder) rmSync(folder, { recursive: true, force: true });
	};
	return {
		baseUrl,
		engine,
		databasePath,
		databaseUrl,
		openStore: () => openServerStore({ databasePath, databaseUrl }),
		pid: child.pid!,
		output: () => output,
		stop: () => end('SIGTERM'),
		kill: () => end('SIGKILL'),
	};
}
