/**
 * `npm run bench:seed -- --stories N --database FILE [--force]`: a database file holding a
 * SYNTHETIC library of N published community stories (scripts/bench/synthetic-stories.ts),
 * for benchmarks and for checks outside the repository. A stable command.
 *
 * Exit codes: 0 seeded, 64 usage (including a FILE that already holds stories, without
 * --force), 70 unexpected.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { openDatabase } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { parseSeedArguments, SEED_USAGE } from './bench/scale-arguments.ts';
import { seedLibrary } from './bench/seed-library.ts';

function fail(message: string, code: number): never {
	console.error(message);
	process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	console.log(SEED_USAGE);
	process.exit(0);
}
const parsed = parseSeedArguments(args);
if (!parsed.ok) fail(`${parsed.error}\n\n${SEED_USAGE}`, 64);
const { stories, force } = parsed.value;
// npm runs scripts in the project folder; a relative name means where the command was typed.
const file = resolve(process.env.INIT_CWD ?? process.cwd(), parsed.value.database);

/** Whether an existing file holds stories, read without changing it (no migration, no WAL). */
function holdsStories(path: string): boolean {
	const client = new Sqlite(path, { readonly: true, fileMustExist: true });
	try {
		const table = client
			.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'submissions'")
			.get();
		return (
			table !== undefined && client.prepare('SELECT 1 FROM submissions LIMIT 1').get() !== undefined
		);
	} finally {
		client.close();
	}
}

if (existsSync(file) && holdsStories(file)) {
	if (!force) {
		fail(`${file} already holds stories; seed another file, or give --force to replace it.`, 64);
	}
	for (const path of [file, `${file}-wal`, `${file}-shm`]) rmSync(path, { force: true });
}

const started = performance.now();
const database = openDatabase(file);
migrateDatabase(database);
let lastReport = started;
try {
	await seedLibrary(database, {
		stories,
		onProgress(written) {
			const now = performance.now();
			if (now - lastReport < 10_000 && written < stories) return;
			lastReport = now;
			const seconds = (now - started) / 1000;
			console.log(`  ${written.toLocaleString('en-US')} stories in ${seconds.toFixed(0)} s`);
		},
	});
} catch (error) {
	console.error(error);
	fail(`Seeding ${file} failed; delete it and try again.`, 70);
}
database.$client.close();
const seconds = (performance.now() - started) / 1000;
const megabytes = statSync(file).size / 1024 / 1024;
console.log(
	`Seeded ${stories.toLocaleString('en-US')} synthetic stories into ${file} in ` +
		`${seconds.toFixed(1)} s (${megabytes.toFixed(1)} MB).`,
);
