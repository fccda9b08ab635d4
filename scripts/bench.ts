/**
 * `npm run bench`: the load benchmark (DESIGN.md, Performance).
 *
 *   npm run bench -- [--stories 10000] [--connections 10,50] [--search-connections 1] [--duration 10]
 *                    [--database sqlite|postgres]
 *
 * Builds if needed, seeds a temporary database with SYNTHETIC published stories (SQLite, or
 * with `--database postgres` a database in a throw-away PostgreSQL cluster), times
 * `searchPublished` on it in this process (no HTTP), starts the production server on it,
 * and measures it one case at a time: the reading pages, search (three fixed queries, which
 * the page cache answers after the first time, and a different query on every request,
 * which it cannot), and story submissions, next to a baseline measured in the same run (a
 * bare `node:http` process sending the community story page's bytes). The load comes from
 * wrk, as its own process, when it is installed, else from autocannon in this process
 * (which caps the fastest cases; the output says which). Prints a table and the targets,
 * and writes everything to `bench-results/bench-<timestamp>.json`.
 *
 * It is a measurement, not a test: it exits 0 whether or not the targets are met, and
 * non-zero only when it could not run (usage 64, failure 1).
 *
 * Fixtures (seeding, paths): bench/fixtures.ts; cases and how each runs: bench/cases.ts;
 * the load generators: bench/load.ts; table and targets: bench/report.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { count, eq } from 'drizzle-orm';
import type { Store } from '../db/store.ts';
import { PROJECT_ROOT, buildIfStale } from './build.ts';
import { SERVER_BUNDLE } from './server-bundle.ts';
import {
	buildCases,
	isPageCase,
	DISTINCT_QUERIES,
	runCase,
	toRow,
	warmupSeconds,
	type BenchCase,
} from './bench/cases.ts';
import { describeEngine } from './bench/bench-engine.ts';
import { parseBenchEngine, type BenchEngine } from './bench/scale-arguments.ts';
import { startChildServer } from './bench/child-server.ts';
import { lookUpSiteFixtures, seedBenchDatabase, startBaseline } from './bench/fixtures.ts';
import { measureSearchInProcess } from './bench/in-process-search.ts';
import { chooseLoadGenerator } from './bench/load.ts';
import {
	CASE_IDS,
	evaluateTargets,
	isSearchCase,
	type BenchRow,
	type CaseId,
} from './bench/report.ts';
import {
	codeVersion,
	machineDescription,
	printSummary,
	writeSummary,
	type BenchSummary,
} from './bench/summary.ts';

const USAGE = `Usage: npm run bench -- [--stories N] [--connections 10,50] [--search-connections 1] [--duration S] [--cases LIST] [--database ENGINE]

  --stories N                synthetic published community stories to seed (default 10000)
  --connections LIST         concurrent connections, comma-separated; each case runs at each
                             (default 10,50)
  --search-connections LIST  further connection counts for the search cases only (default 1:
                             the search latency target is per request, judged at the lowest)
  --duration S               measured seconds per case and connection count (default 10; a
                             short warm-up runs before each)
  --cases LIST               only these cases, comma-separated (default all: ${CASE_IDS.join(', ')});
                             the baseline always runs, and targets of cases left out read
                             "not measured"
  --database ENGINE          sqlite (default: a temp file) or postgres (a database in a
                             throw-away cluster this command starts and stops; needs the
                             Debian postgresql package)`;

const EXIT_USAGE = 64;

/** Limits lifted so that the load measures the server, not its abuse protection. */
const RELAXED_LIMITS = {
	LIMIT_SUBMISSIONS_PER_ADDRESS_PER_HOUR: '100000000',
	LIMIT_SUBMISSIONS_PER_HOUR: '100000000',
	LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS_PER_HOUR: '100000000',
	SUBMISSION_MINIMUM_FILL_SECONDS: '0',
};

interface BenchOptions {
	stories: number;
	connections: number[];
	searchConnections: number[];
	durationSeconds: number;
	cases: CaseId[];
	database: BenchEngine;
}

class UsageError extends Error {}

function wholeNumber(name: string, raw: string): number {
	if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`${name} must be a whole number above 0.`);
	return Number(raw);
}

function caseList(raw: string): CaseId[] {
	const named = raw.split(',').map((item) => item.trim());
	const unknown = named.filter((item) => !(CASE_IDS as readonly string[]).includes(item));
	if (unknown.length > 0) {
		throw new UsageError(
			`--cases: no case called ${unknown.map((item) => `“${item}”`).join(', ')}; ` +
				`the cases are ${CASE_IDS.join(', ')}.`,
		);
	}
	return CASE_IDS.filter((id) => id === 'baseline' || named.includes(id));
}

function readOptions(args: string[]): BenchOptions | 'help' {
	let parsed;
	try {
		parsed = parseArgs({
			args,
			options: {
				stories: { type: 'string', default: '10000' },
				connections: { type: 'string', default: '10,50' },
				'search-connections': { type: 'string', default: '1' },
				duration: { type: 'string', default: '10' },
				cases: { type: 'string', default: CASE_IDS.join(',') },
				database: { type: 'string', default: 'sqlite' },
				help: { type: 'boolean', short: 'h', default: false },
			},
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	const { values } = parsed;
	if (values.help) return 'help';
	const database = parseBenchEngine(values.database);
	if (!database.ok) throw new UsageError(database.error);
	const list = (name: string, raw: string) =>
		[...new Set(raw.split(',').map((item) => wholeNumber(name, item)))].sort((a, b) => a - b);
	return {
		stories: wholeNumber('--stories', values.stories),
		connections: list('--connections', values.connections),
		searchConnections: list('--search-connections', values['search-connections']),
		durationSeconds: wholeNumber('--duration', values.duration),
		cases: caseList(values.cases),
		database: database.value,
	};
}

async function runBench(options: BenchOptions, cleanups: (() => Promise<void> | void)[]) {
	const machine = machineDescription();
	const code = codeVersion();
	const loadGenerator = chooseLoadGenerator();
	if (machine.loadAverageAtStart[0]! > machine.cpus / 2) {
		console.warn(
			`Warning: the load average is ${machine.loadAverageAtStart[0]} on ${machine.cpus} CPUs; ` +
				'other work is running, so the numbers will be noisy.',
		);
	}
	if (loadGenerator === 'autocannon') {
		console.warn(
			'wrk is not installed: the load comes from autocannon inside this process, which caps ' +
				'the fastest cases (the baseline most). Install wrk (apt-get install wrk) for the real figures.',
		);
	}
	buildIfStale();

	// Everything below lives in one temp folder, deleted at the end.
	const folder = mkdtempSync(join(os.tmpdir(), 'common-thread-bench-'));
	cleanups.push(() => rmSync(folder, { recursive: true, force: true }));

	console.log(`Seeding ${options.stories.toLocaleString('en-US')} synthetic stories…`);
	const { serverEnv, slugs, seedingSeconds, openStore } = await seedBenchDatabase(
		options.database,
		folder,
		options.stories,
		cleanups,
	);
	console.log(`Seeded in ${seedingSeconds.toFixed(1)} s.`);

	// Before the server starts, so nothing else runs while the calls are timed.
	console.log('Timing searches in process…');
	const timingStarted = performance.now();
	const { engine, inProcessSearch } = await withStore(openStore(), async (store) => ({
		engine: await describeEngine(store),
		inProcessSearch: await measureSearchInProcess(store),
	}));
	console.log(`Timed in ${((performance.now() - timingStarted) / 1000).toFixed(1)} s.`);

	const site = await startChildServer(resolve(PROJECT_ROOT, SERVER_BUNDLE), {
		cwd: PROJECT_ROOT,
		env: { ...RELAXED_LIMITS, HOST: '127.0.0.1', PORT: '0', ...serverEnv },
	});
	cleanups.unshift(() => site.stop());
	const startupOutputLength = site.output().length;
	console.log(`Server at ${site.baseUrl}.`);

	const fixtures = await lookUpSiteFixtures(site.baseUrl, slugs);
	const { communityPath, curatedPath, storiesPagePath, searches, firstSearchMs } = fixtures;
	console.log(
		`First search (with the server's start-up index refresh) took ` +
			`${Math.round(firstSearchMs)} ms; not measured.`,
	);
	let submissionsAccepted = fixtures.submission.trialAccepted ? 1 : 0;
	const baseline = await startBaseline(folder, fixtures.communityPage);
	cleanups.unshift(() => baseline.stop());

	const cases = buildCases(fixtures).filter((item) => options.cases.includes(item.id));
	const warmup = warmupSeconds(options.durationSeconds);
	// Search cases also run at the search connection counts (1 by default).
	const allConnections = [...new Set([...options.searchConnections, ...options.connections])].sort(
		(a, b) => a - b,
	);
	const runsAt = (benchCase: BenchCase, connections: number) =>
		options.connections.includes(connections) ||
		(isSearchCase(benchCase.id) && options.searchConnections.includes(connections));
	// Page cases at the main connection counts also run the baseline just before them.
	const runs = allConnections.reduce(
		(sum, connections) =>
			sum +
			cases.filter((item) => runsAt(item, connections)).length +
			(options.connections.includes(connections) ? cases.filter(isPageCase).length : 0),
		0,
	);
	console.log(
		`Measuring ${cases.length} cases with ${loadGenerator} at ${options.connections.join(', ')} connections ` +
			`(search also at ${options.searchConnections.join(', ')}), ${runs} runs: ` +
			`${options.durationSeconds} s each after a ${warmup} s warm-up ` +
			`(about ${Math.ceil((runs * (options.durationSeconds + warmup)) / 60)} min).`,
	);
	const rows: BenchRow[] = [];
	// Request numbers of the variant cases, continued from run to run.
	const numbers = new Map(
		cases.map((item) => [item.id, { next: item.plan?.variants?.firstNumber ?? 0 }]),
	);
	let distinctResponses = 0;
	let distinctPageCacheHits = 0;
	const baselineCase = cases.find((benchCase) => benchCase.id === 'baseline')!;
	/**
	 * The baseline again, just before a page case: on a shared machine the throughput of
	 * either can drift by half between runs minutes apart, so each page's ratio is to the
	 * baseline measured next to it.
	 */
	async function pairedBaseline(connections: number, label: string): Promise<number> {
		process.stdout.write(`    baseline, just before ${label}… `);
		const { result } = await runCase(
			loadGenerator,
			baselineCase,
			baseline,
			connections,
			options.durationSeconds,
			numbers.get('baseline')!,
		);
		process.stdout.write(`${Math.round(result.requestsPerSecond)} req/s\n`);
		return result.requestsPerSecond;
	}
	for (const connections of allConnections) {
		let baselineRequestsPerSecond: number | undefined;
		for (const benchCase of cases) {
			if (!runsAt(benchCase, connections)) continue;
			const paired =
				isPageCase(benchCase) && baselineRequestsPerSecond !== undefined
					? await pairedBaseline(connections, benchCase.label)
					: undefined;
			const server = benchCase.target === 'baseline' ? baseline : site;
			if (!server.isRunning()) {
				throw new Error(
					`The ${benchCase.target} server has stopped (${server.exitStatus()}) before ` +
						`“${benchCase.label}” at ${connections} connections. It printed:\n${server.output()}`,
				);
			}
			process.stdout.write(
				`  ${benchCase.label} at ${connections} connection${connections === 1 ? '' : 's'}… `,
			);
			const caseNumbers = numbers.get(benchCase.id)!;
			const firstNumber = caseNumbers.next;
			const { result, tally } = await runCase(
				loadGenerator,
				benchCase,
				server,
				connections,
				options.durationSeconds,
				caseNumbers,
			);
			if (benchCase.id === 'baseline') baselineRequestsPerSecond = result.requestsPerSecond;
			if (benchCase.id === 'submission') submissionsAccepted += tally.bodiesMatched;
			const distinct = benchCase.id === 'search-distinct';
			if (distinct) {
				distinctResponses += tally.responses;
				distinctPageCacheHits += tally.pageCacheHits;
			}
			const distinctSent = distinct
				? Math.min(caseNumbers.next - firstNumber, DISTINCT_QUERIES.length)
				: null;
			const row = toRow(
				benchCase,
				connections,
				result,
				paired ?? baselineRequestsPerSecond,
				tally,
				distinctSent,
			);
			rows.push(row);
			console.log(
				`${Math.round(row.requestsPerSecond)} req/s, p99 ${row.latencyP99Ms} ms` +
					(isSearchCase(benchCase.id)
						? `, page cache ${tally.pageCacheHits} hits/${tally.pageCacheMisses} misses`
						: '') +
					(row.errors > 0
						? `, ${row.errors} errors ${JSON.stringify(row.detail.statusCodes)}`
						: ''),
			);
		}
	}

	// Every accepted submission must be a stored row (none folded, none dropped as a bot's).
	const stored = await withStore(openStore(), countPendingSubmissions);

	const serverOutput = site.output().slice(startupOutputLength).trim();
	const order = (row: BenchRow) => cases.findIndex((benchCase) => benchCase.id === row.case);
	rows.sort((a, b) => order(a) - order(b) || a.connections - b.connections);
	const targets = evaluateTargets(rows, options);
	const distinctDrawn = numbers.get('search-distinct')?.next ?? 0;
	const distinctSummary = {
		listLength: DISTINCT_QUERIES.length,
		/** Taken from the list: one per request built, a few never sent when a run stops. */
		drawn: distinctDrawn,
		responses: distinctResponses,
		/** Consecutive numbers of the list: all different until the list wraps around. */
		distinctSent: Math.min(distinctDrawn, DISTINCT_QUERIES.length),
		pageCacheHits: distinctPageCacheHits,
	};
	const summary: BenchSummary = {
		date: new Date().toISOString(),
		machine,
		code,
		engine,
		loadGenerator,
		options: { ...options, warmupSeconds: warmup },
		seedingSeconds,
		paths: {
			communityStory: communityPath,
			curatedStory: curatedPath,
			storiesPage: storiesPagePath,
		},
		searches: searches.map(({ query, path, hits }) => ({ query, path, hits })),
		firstSearchMs,
		distinctQueries: distinctSummary,
		inProcessSearch,
		submissions: { answeredWithReceipt: submissionsAccepted, stored },
		baselineBytes: fixtures.communityPage.body.length,
		rows,
		targets,
		serverOutput,
	};
	printSummary(summary);
	console.log('');
	console.log(`Written to ${writeSummary(summary)}`);
}

/** Runs `work` with `store`, closed afterwards. */
async function withStore<T>(store: Store, work: (store: Store) => Promise<T>): Promise<T> {
	try {
		return await work(store);
	} finally {
		await store.close();
	}
}

/** Stories waiting for a moderator: here, the submissions the load made (and the trial one). */
async function countPendingSubmissions(store: Store): Promise<number> {
	const [row] = await store.read(({ query, tables }) =>
		query
			.select({ stored: count() })
			.from(tables.submissions)
			.where(eq(tables.submissions.status, 'pending')),
	);
	return row?.stored ?? 0;
}

async function main(): Promise<number> {
	let options;
	try {
		options = readOptions(process.argv.slice(2));
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		console.error(`${error.message}\n\n${USAGE}`);
		return EXIT_USAGE;
	}
	if (options === 'help') {
		console.log(USAGE);
		return 0;
	}

	// Servers are put first, so they stop before their temp folder is deleted (and the
	// PostgreSQL cluster after them).
	const cleanups: (() => Promise<void> | void)[] = [];
	// One clean-up, however many ask: Ctrl-C also stops the servers, so the run fails and
	// its `finally` asks too, and the process must not exit before the first one is done.
	let cleaning: Promise<void> | undefined;
	const cleanUp = () =>
		(cleaning ??= (async () => {
			for (const cleanup of cleanups.splice(0)) {
				try {
					await cleanup();
				} catch (error) {
					console.error(`Cleaning up failed: ${(error as Error).message}`);
				}
			}
		})());
	let interrupted = false;
	process.once('SIGINT', () => {
		interrupted = true;
		console.error('\nInterrupted; stopping the servers and removing the temp folder.');
		void cleanUp().then(() => process.exit(130));
	});
	try {
		await runBench(options, cleanups);
		return 0;
	} catch (error) {
		if (!interrupted) console.error(error);
		return interrupted ? 130 : 1;
	} finally {
		await cleanUp();
	}
}

process.exit(await main());
