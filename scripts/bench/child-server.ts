/**
 * Starts a server script as a child process on this same Node and waits for the
 * `listening on http://…` line it prints, as tests/helpers/server.ts does for the tests.
 * Written again here because the baseline needs it too, and because a benchmark must not
 * hang on a server that ignores SIGTERM: `stop()` kills it after a grace period.
 */
import { spawn } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../server-flags.ts';

export interface ChildServer {
	baseUrl: string;
	/** The server's process id (to read its memory from /proc). */
	pid: number;
	/** Everything the server printed so far (stdout and stderr). */
	output(): string;
	/** False once the process has ended (on its own or stopped). */
	isRunning(): boolean;
	/** How the process ended (`exit code 1`, `signal SIGKILL`), or null while it runs. */
	exitStatus(): string | null;
	stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;

export async function startChildServer(
	script: string,
	options: { cwd: string; env: Record<string, string> },
): Promise<ChildServer> {
	const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, script], {
		cwd: options.cwd,
		env: { ...process.env, ...options.env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	let running = true;
	let exitStatus: string | null = null;
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise<void>((resolveExit) =>
		child.once('exit', (code, signal) => {
			running = false;
			exitStatus = signal ? `signal ${signal}` : `exit code ${code}`;
			resolveExit();
		}),
	);

	const baseUrl = await new Promise<string>((resolveUrl, reject) => {
		const onData = () => {
			const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
			if (!match) return;
			child.stdout.off('data', onData);
			resolveUrl(match[1]!);
		};
		child.stdout.on('data', onData);
		child.once('exit', (code) =>
			reject(new Error(`${script} exited (${code}) before listening:\n${output}`)),
		);
	});

	return {
		baseUrl,
		pid: child.pid!,
		output: () => output,
		isRunning: () => running,
		exitStatus: () => exitStatus,
		async stop() {
			if (!running) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
			await exited;
			clearTimeout(timer);
		},
	};
}
