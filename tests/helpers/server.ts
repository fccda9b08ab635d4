import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVER_BUNDLE } from '../../scripts/server-bundle.ts';
import { SERVER_NODE_FLAGS } from '../../scripts/server-flags.ts';
import { createTempFolder } from './temp-database.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface RunningServer {
	baseUrl: string;
	databasePath: string;
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

/**
 * Starts the built server (`dist/serve.mjs`, bundled from `scripts/serve.ts`) on a free port with its own database
 * in a temp folder. The build must exist: the global setup makes sure of it.
 */
export async function startServer(
	options: { databasePath?: string; env?: Record<string, string> } = {},
): Promise<RunningServer> {
	const folder = options.databasePath ? undefined : createTempFolder('common-thread-server-');
	const databasePath = options.databasePath ?? join(folder!, 'data', 'common-thread.db');
	const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(ROOT, SERVER_BUNDLE)], {
		cwd: ROOT,
		env: {
			...process.env,
			...options.env,
			HOST: '127.0.0.1',
			PORT: '0',
			DATABASE_PATH: databasePath,
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
		databasePath,
		pid: child.pid!,
		output: () => output,
		stop: () => end('SIGTERM'),
		kill: () => end('SIGKILL'),
	};
}
