/**
 * The command lines of `npm run bench:seed` and `npm run bench:scale`, read into options or
 * a usage error (the commands exit 64 with the usage text then).
 */
export const SEED_USAGE = `Usage: npm run bench:seed -- --stories N --database FILE [--force]

Creates and migrates FILE, then fills it with N SYNTHETIC published community stories
(machine-made filler, with their listings and search-index rows), and prints the seeding
time and the file size. A FILE that already holds stories is refused unless --force is
given, which deletes it first.`;

export const SCALE_USAGE = `Usage: npm run bench:scale -- --stories 10000,100000,1000000 [--reuse] [--database ENGINE]

For each library size: seeds a database, starts the built server on it, and measures
start-up, the first /stories, /stories after a withdrawal, a deep page, a story page miss,
server memory and uncached search, with each figure's ratio to the smallest size.
--reuse keeps the seeded files in bench-results/seeded/ so a later run skips seeding.
--database sqlite (default) or postgres: a throw-away PostgreSQL cluster, started and
stopped by the command (seeds kept with --reuse are pg_dump files, restored each run).
Results: bench-results/scale-<time>.json.`;

export interface SeedArguments {
	stories: number;
	database: string;
	force: boolean;
}

export interface ScaleArguments {
	/** Ascending, distinct. */
	stories: number[];
	reuse: boolean;
	database: BenchEngine;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const BENCH_ENGINES = ['sqlite', 'postgres'] as const;
export type BenchEngine = (typeof BENCH_ENGINES)[number];

/** The engines a benchmark runs on: `sqlite` or `postgres`, as `--database` takes them (any case). */
export function parseBenchEngine(text: string): Parsed<BenchEngine> {
	const engine = BENCH_ENGINES.find((name) => name === text.trim().toLowerCase());
	return engine
		? { ok: true, value: engine }
		: { ok: false, error: `--database must be sqlite or postgres, not "${text}".` };
}

/** Most stories either command seeds: beyond this the disk, not the code, is measured. */
export const MAX_STORIES = 10_000_000;

/** A whole number of stories from 1 to MAX_STORIES, in digits (`_` may group them: 10_000). */
function parseStoryCount(text: string): number | null {
	const digits = text.replaceAll('_', '');
	if (!/^[1-9]\d*$/.test(digits)) return null;
	const value = Number(digits);
	return value <= MAX_STORIES ? value : null;
}

/** `--name value` and `--name=value` pairs plus bare flags; an unknown name is an error. */
function readOptions(
	args: readonly string[],
	valued: readonly string[],
	flags: readonly string[],
): Parsed<Map<string, string | true>> {
	const options = new Map<string, string | true>();
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		const [name, inlineValue] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
		if (flags.includes(name) && inlineValue === undefined) {
			options.set(name, true);
			continue;
		}
		if (!valued.includes(name)) return { ok: false, error: `Unknown argument ${arg}.` };
		const value = inlineValue ?? args[++index];
		if (value === undefined || value === '') {
			return { ok: false, error: `${name} needs a value.` };
		}
		if (options.has(name)) return { ok: false, error: `${name} is given twice.` };
		options.set(name, value);
	}
	return { ok: true, value: options };
}

export function parseSeedArguments(args: readonly string[]): Parsed<SeedArguments> {
	const read = readOptions(args, ['--stories', '--database'], ['--force']);
	if (!read.ok) return read;
	const storiesText = read.value.get('--stories');
	const database = read.value.get('--database');
	if (typeof storiesText !== 'string') return { ok: false, error: 'Say how many: --stories N.' };
	if (typeof database !== 'string') return { ok: false, error: 'Name the file: --database FILE.' };
	const stories = parseStoryCount(storiesText);
	if (stories === null) {
		return {
			ok: false,
			error: `--stories must be a whole number from 1 to ${MAX_STORIES.toLocaleString('en-US')}, not ${storiesText}.`,
		};
	}
	return { ok: true, value: { stories, database, force: read.value.has('--force') } };
}

export function parseScaleArguments(args: readonly string[]): Parsed<ScaleArguments> {
	const read = readOptions(args, ['--stories', '--database'], ['--reuse']);
	if (!read.ok) return read;
	const storiesText = read.value.get('--stories');
	if (typeof storiesText !== 'string') {
		return { ok: false, error: 'Say which sizes: --stories 10000,100000.' };
	}
	const sizes: number[] = [];
	for (const part of storiesText.split(',')) {
		const size = parseStoryCount(part.trim());
		if (size === null) {
			return {
				ok: false,
				error: `Each size must be a whole number from 1 to ${MAX_STORIES.toLocaleString('en-US')}, not "${part}".`,
			};
		}
		sizes.push(size);
	}
	const stories = [...new Set(sizes)].sort((first, second) => first - second);
	const databaseText = read.value.get('--database');
	const database =
		typeof databaseText === 'string'
			? parseBenchEngine(databaseText)
			: { ok: true as const, value: 'sqlite' as const };
	if (!database.ok) return database;
	return {
		ok: true,
		value: { stories, reuse: read.value.has('--reuse'), database: database.value },
	};
}
