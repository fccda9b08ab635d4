import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Everything the built site is made from; a change to any of these needs a new build. */
const BUILD_INPUTS = [
	'src',
	'content',
	'public',
	'db',
	// The server is bundled with what it imports from src/ and db/ (bundle-server.ts).
	'scripts/serve.ts',
	'scripts/bundle-server.ts',
	'scripts/server-bundle.ts',
	'astro.config.mjs',
	'tsconfig.json',
	'package-lock.json',
];

/** Written after a successful build; its age is the build's age. */
const BUILD_STAMP = 'dist/.build-complete';

function newestModification(path: string): number {
	if (!existsSync(path)) return 0;
	const stats = statSync(path);
	if (!stats.isDirectory()) return stats.mtimeMs;
	return readdirSync(path).reduce(
		(newest, entry) => Math.max(newest, newestModification(join(path, entry))),
		stats.mtimeMs,
	);
}

/** True when there is no complete build, or a source is newer than it. */
export function isBuildStale(root = PROJECT_ROOT): boolean {
	const stamp = resolve(root, BUILD_STAMP);
	if (!existsSync(stamp)) return true;
	const builtAt = statSync(stamp).mtimeMs;
	return BUILD_INPUTS.some((input) => newestModification(resolve(root, input)) > builtAt);
}

function runAstro(root: string, command: 'check' | 'build'): void {
	execFileSync(process.execPath, [resolve(root, 'node_modules/astro/bin/astro.mjs'), command], {
		cwd: root,
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
	});
}

function bundleServer(root: string): void {
	execFileSync(process.execPath, [resolve(root, 'scripts/bundle-server.ts')], {
		cwd: root,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
}

/**
 * Runs `astro check` (a type error fails the build), `astro build` and the server's bundle
 * on this same Node, and stamps the result as complete.
 */
export function build(root = PROJECT_ROOT): void {
	// The stamp carries the start time, so an edit made during the build still counts as newer.
	const startedAt = new Date();
	runAstro(root, 'check');
	runAstro(root, 'build');
	bundleServer(root);
	const stamp = resolve(root, BUILD_STAMP);
	writeFileSync(stamp, `${startedAt.toISOString()}\n`);
	utimesSync(stamp, startedAt, startedAt);
}

/** Builds when the build is missing or out of date. */
export function buildIfStale(root = PROJECT_ROOT): void {
	if (!isBuildStale(root)) return;
	console.log('Building the site (sources changed or no build yet)…');
	build(root);
}

// `npm run build` always builds.
if (import.meta.main) build();
