/**
 * `npm run bench`: the load benchmark (DESIGN.md, Performance).
 *
 *   npm run bench -- [--stories 10000] [--connections 10,50] [--search-connections 1] [--duration 10]
 *
 * Builds if needed, seeds a temporary database with SYNTHETIC published stories, times
 * `searchPublished` on it in this process (no HTTP), starts the production server on it,
 * and measures with autocannon, one case at a time: the reading pages, search (three fixed
 * queries, which the page cache answers after the first time, and a different query on
 * every request, which it cannot), and story submissions, next to a baseline measured in
 * the same run (a bare `node:http` process sending the community story page's bytes).
 * Prints a table and the targets, and writes everything to
 * `bench-results/bench-<timestamp>.json`.
 *
 * It is a measurement, not a test: it exits 0 whether or not the targets are met, and
 * non-zero only when it could not run (usage 64, failure 1).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type AutocannonOptions, type AutocannonResult } from 'autocannon';
import { parse } from 'node-html-parser';
import { openDatabase } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { PROJECT_ROOT, buildIfStale } from './build.ts';
import { startChildServer } from './bench/child-server.ts';
import { searchPublished } from '../src/lib/server/search.ts';
import {
	evaluateTargets,
	formatInProcessSearch,
	formatTable,
	formatTargets,
	isSearchCase,
	type BenchRow,
	type CaseId,
	type InProcessSearch,
} from './bench/report.ts';
import {
	SEARCH_QUERIES,
	createRandom,
	createSearchQueryPool,
	searchPath,
	seedSyntheticStories,
	syntheticStory,
} from './bench/synthetic-stories.ts';

const USAGE = `Usage: npm run bench -- [--stories N] [--connections 10,50] [--search-connections 1] [--duration S]

  --stories N                synthetic published community stories to seed (default 10000)
  --connections LIST         concurrent connections, comma-separated; each case runs at each
                             (default 10,50)
  --search-connections LIST  further connection counts for the search cases only (default 1:
                             the search latency target is per request, judged at the lowest)
  --duration S               measured seconds per case and connection count (default 10; a
                             short warm-up runs before each)`;

const EXIT_USAGE = 64;

/** Limits lifted so that the load measures the server, not its abuse protection. */
const RELAXED_LIMITS = {
	LIMIT_SUBMISSIONS_PER_ADDRESS_PER_HOUR: '100000000',
	LIMIT_SUBMISSIONS_PER_HOUR: '100000000',
	LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS_PER_HOUR: '100000000',
	SUBMISSION_MINIMUM_FILL_SECONDS: '0',
};

/** The page `/stories?page=` is measured at (a deep page of the list). */
const DEEP_STORIES_PAGE = 50;

/** Seeds of the generated search queries: one list for HTTP, another for in-process. */
const DISTINCT_QUERIES_SEED = 31;
const IN_PROCESS_QUERIES_SEED = 32;
/** Generated queries timed in process, and untimed ones before them. */
const IN_PROCESS_QUERIES = 500;
const IN_PROCESS_WARMUP_QUERIES = 25;

interface BenchOptions {
	stories: number;
	connections: number[];
	searchConnections: number[];
	durationSeconds: number;
}

class UsageError extends Error {}

function wholeNumber(name: string, raw: string): number {
	if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`${name} must be a whole number above 0.`);
	return Number(raw);
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
				help: { type: 'boolean', short: 'h', default: false },
			},
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	const { values } = parsed;
	if (values.help) return 'help';
	const list = (name: string, raw: string) =>
		[...new Set(raw.split(',').map((item) => wholeNumber(name, item)))].sort((a, b) => a - b);
	return {
		stories: wholeNumber('--stories', values.stories),
		connections: list('--connections', values.connections),
		searchConnections: list('--search-connections', values['search-connections']),
		durationSeconds: wholeNumber('--duration', values.duration),
	};
}

/** Long enough to fill caches and reach a steady state, short enough to keep the run brief. */
function warmupSeconds(durationSeconds: number): number {
	return Math.min(3, Math.max(1, Math.round(durationSeconds / 5)));
}

/** GET as autocannon does it: no compression asked for, so the bytes are the plain page. */
async function getPage(baseUrl: string, path: string) {
	const response = await fetch(new URL(path, baseUrl), {
		headers: { 'accept-encoding': 'identity' },
		redirect: 'manual',
	});
	return {
		status: response.status,
		contentType: response.headers.get('content-type') ?? 'application/octet-stream',
		body: Buffer.from(await response.arrayBuffer()),
	};
}

/** A curated story's URL: the first `content/stories/*.mdx` that is not a draft. */
function curatedStoryPaths(): string[] {
	const folder = resolve(PROJECT_ROOT, 'content/stories');
	return readdirSync(folder)
		.filter((name) => name.endsWith('.mdx'))
		.sort()
		.filter((name) => {
			const frontmatter = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(folder, name), 'utf8'));
			return !/^draft:\s*true\s*$/m.test(frontmatter?.[1] ?? '');
		})
		.map((name) => `/stories/${name.replace(/\.mdx$/, '')}`);
}

/** `/stories?page=50`, or the last page when the library is too small to have 50. */
async function deepStoriesPage(baseUrl: string): Promise<string> {
	const pathOf = (page: number) => `/stories?page=${page}`;
	if ((await getPage(baseUrl, pathOf(DEEP_STORIES_PAGE))).status === 200) {
		return pathOf(DEEP_STORIES_PAGE);
	}
	let low = 1;
	let high = DEEP_STORIES_PAGE;
	while (low < high) {
		const middle = Math.ceil((low + high) / 2);
		if ((await getPage(baseUrl, pathOf(middle))).status === 200) low = middle;
		else high = middle - 1;
	}
	return pathOf(low);
}

/** How many pieces a search page says match, or null when it says nothing we recognize. */
function searchHits(html: string): number | null {
	if (/Nothing matched/.test(html)) return 0;
	const match = /([\d,]+) (?:piece matches|pieces match)/.exec(html);
	return match ? Number(match[1]!.replace(/,/g, '')) : null;
}

/**
 * A submission exactly as the preview page's "Send" button posts it: the story in hidden
 * fields, the form token, consent and `intent=submit`. Each call is a different SYNTHETIC
 * story, because the server folds identical text sent on the same day into one row.
 */
function createSubmissionForms(formToken: string): () => string {
	const random = createRandom(2024);
	let number = 0;
	return () => {
		number += 1;
		const story = syntheticStory(random);
		const form = new URLSearchParams();
		form.append('title', story.title);
		form.append('body', `${story.body}\n\nSynthetic benchmark submission ${number}.`);
		form.append('penName', story.penName ?? '');
		if (story.milestone) form.append('milestone', story.milestone);
		for (const topic of story.topics) form.append('topics', topic);
		for (const warning of story.contentWarnings) form.append('contentWarnings', warning);
		form.append('consent', 'on');
		form.append('formToken', formToken);
		form.append('intent', 'submit');
		return form.toString();
	};
}

/** A successful submission shows the receipt code. */
const RECEIPT_SHOWN = (body: string) => body.includes('id="receipt-code"');

/** What the server said about one search run's answers (warm-up included). */
interface SearchTally {
	responses: number;
	pageCacheHits: number;
	pageCacheMisses: number;
	/** The distinct-queries case: every query answered. */
	queries: Set<string> | null;
}

interface BenchCase {
	id: CaseId;
	label: string;
	method: 'GET' | 'POST';
	path: string;
	/** The baseline runs against its own server. */
	target: 'site' | 'baseline';
	/** autocannon options for one run; a search case counts its answers in `tally`. */
	autocannon?: (tally: SearchTally) => Partial<AutocannonOptions>;
}

function newSearchTally(distinct: boolean): SearchTally {
	return {
		responses: 0,
		pageCacheHits: 0,
		pageCacheMisses: 0,
		queries: distinct ? new Set() : null,
	};
}

/** Counts an answer by its `X-Page-Cache` header (`hit` or `miss`). */
function countSearchAnswer(tally: SearchTally, headers: Record<string, string | string[]>) {
	tally.responses += 1;
	for (const [name, value] of Object.entries(headers)) {
		if (name.toLowerCase() !== 'x-page-cache') continue;
		if (String(value) === 'hit') tally.pageCacheHits += 1;
		if (String(value) === 'miss') tally.pageCacheMisses += 1;
	}
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], fraction: number): number {
	return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

/**
 * `searchPublished` timed call by call on the seeded database, in this process: the cost
 * of the query itself, without HTTP, Astro or the page cache. Generated queries from the
 * same list as the distinct-queries case (another shuffle), then the three fixed ones.
 */
async function measureSearchInProcess(databasePath: string): Promise<InProcessSearch> {
	const database = openDatabase(databasePath);
	try {
		const pool = createSearchQueryPool(IN_PROCESS_QUERIES_SEED);
		const time = async (query: string) => {
			const started = performance.now();
			const { total } = await searchPublished({ query, page: 1 }, database);
			return { query, ms: performance.now() - started, hits: total };
		};
		const warmup = pool.slice(IN_PROCESS_QUERIES, IN_PROCESS_QUERIES + IN_PROCESS_WARMUP_QUERIES);
		for (const query of warmup) await time(query);
		const generated = [];
		for (const query of pool.slice(0, IN_PROCESS_QUERIES)) generated.push(await time(query));
		const fixed = [];
		for (const query of Object.values(SEARCH_QUERIES)) fixed.push(await time(query));
		const all = [...generated, ...fixed];
		const times = all.map((item) => item.ms).sort((a, b) => a - b);
		const hits = generated.map((item) => item.hits).sort((a, b) => a - b);
		const round = (ms: number) => Number(ms.toFixed(3));
		return {
			generatedQueries: generated.length,
			queries: all.length,
			warmupQueries: warmup.length,
			p50Ms: round(percentile(times, 0.5)),
			p95Ms: round(percentile(times, 0.95)),
			p99Ms: round(percentile(times, 0.99)),
			maxMs: round(times.at(-1)!),
			meanMs: round(times.reduce((sum, ms) => sum + ms, 0) / times.length),
			zeroHitShare: generated.filter((item) => item.hits === 0).length / generated.length,
			medianHits: percentile(hits, 0.5),
			slowest: [...all]
				.sort((a, b) => b.ms - a.ms)
				.slice(0, 3)
				.map((item) => ({ ...item, ms: round(item.ms) })),
			fixed: fixed.map((item) => ({ ...item, ms: round(item.ms) })),
		};
	} finally {
		database.$client.close();
	}
}

function toRow(
	benchCase: BenchCase,
	connections: number,
	result: AutocannonResult,
	baselineRequestsPerSecond: number | undefined,
	tally: SearchTally | null,
): BenchRow {
	const statusCodes = Object.fromEntries(
		Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
	);
	return {
		case: benchCase.id,
		label: benchCase.label,
		method: benchCase.method,
		path: benchCase.path,
		connections,
		requestsPerSecond: result.requests.average,
		latencyP50Ms: result.latency.p50,
		latencyP99Ms: result.latency.p99,
		latencyAverageMs: result.latency.average,
		// autocannon's `errors` already include its `timeouts`.
		errors: result.errors + result.non2xx + result.mismatches,
		ratioToBaseline: baselineRequestsPerSecond
			? result.requests.average / baselineRequestsPerSecond
			: null,
		detail: {
			connectionErrors: result.errors,
			timeouts: result.timeouts,
			non2xx: result.non2xx,
			mismatches: result.mismatches,
			statusCodes,
			requestsCompleted: result.requests.total,
			durationSeconds: result.duration,
			bytesPerSecond: result.throughput.average,
			loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
			...(tally && {
				search: {
					responses: tally.responses,
					distinctQueries: tally.queries?.size ?? null,
					pageCacheHits: tally.pageCacheHits,
					pageCacheMisses: tally.pageCacheMisses,
				},
			}),
		},
	};
}

function machineDescription() {
	const cpus = os.cpus();
	return {
		os: `${os.type()} ${os.release()} (${os.arch()})`,
		cpus: cpus.length,
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		totalMemoryBytes: os.totalmem(),
		node: process.version,
		/** Other work on the machine skews the numbers: 1, 5 and 15 minute load averages. */
		loadAverageAtStart: os.loadavg().map((load) => Number(load.toFixed(2))),
	};
}

/**
 * The code measured: the commit, and whether the site's sources differed from it when the
 * run began (the build and the server are made from the working tree). `null` outside git.
 */
function codeVersion(): { commit: string; uncommittedChanges: boolean } | null {
	try {
		const git = (...args: string[]) =>
			execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: 'pipe' }).trim();
		return {
			commit: git('rev-parse', '--short', 'HEAD'),
			uncommittedChanges:
				git('status', '--porcelain', '--', 'src', 'db', 'content', 'public', 'scripts/serve.ts') !==
				'',
		};
	} catch {
		return null;
	}
}

function gibibytes(bytes: number): string {
	return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

async function runBench(options: BenchOptions, cleanups: (() => Promise<void> | void)[]) {
	const machine = machineDescription();
	const code = codeVersion();
	if (machine.loadAverageAtStart[0]! > machine.cpus / 2) {
		console.warn(
			`Warning: the load average is ${machine.loadAverageAtStart[0]} on ${machine.cpus} CPUs; ` +
				'other work is running, so the numbers will be noisy.',
		);
	}
	buildIfStale();

	// Everything below lives in one temp folder, deleted at the end.
	const folder = mkdtempSync(join(os.tmpdir(), 'common-thread-bench-'));
	cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
	const databasePath = join(folder, 'bench.db');

	console.log(`Seeding ${options.stories.toLocaleString('en-US')} synthetic stories…`);
	const seedingStarted = performance.now();
	const database = openDatabase(databasePath);
	migrateDatabase(database);
	const slugs = await seedSyntheticStories(database, options.stories);
	database.$client.close();
	const seedingSeconds = (performance.now() - seedingStarted) / 1000;
	console.log(`Seeded in ${seedingSeconds.toFixed(1)} s.`);

	// Before the server starts, so nothing else runs while the calls are timed.
	console.log(`Timing ${IN_PROCESS_QUERIES} searches in process…`);
	const timingStarted = performance.now();
	const inProcessSearch = await measureSearchInProcess(databasePath);
	console.log(`Timed in ${((performance.now() - timingStarted) / 1000).toFixed(1)} s.`);

	const site = await startChildServer(resolve(PROJECT_ROOT, 'scripts/serve.ts'), {
		cwd: PROJECT_ROOT,
		env: { ...RELAXED_LIMITS, HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: databasePath },
	});
	cleanups.unshift(() => site.stop());
	const startupOutputLength = site.output().length;
	console.log(`Server at ${site.baseUrl}.`);

	// Look up what the cases need, and check each answers as it should before loading it.
	const communityPath = `/stories/${slugs[Math.floor(slugs.length / 2)]}`;
	const communityPage = await getPage(site.baseUrl, communityPath);
	if (communityPage.status !== 200) {
		throw new Error(`${communityPath} answered ${communityPage.status}, not 200.`);
	}
	let curatedPath: string | undefined;
	for (const path of curatedStoryPaths()) {
		if ((await getPage(site.baseUrl, path)).status === 200) {
			curatedPath = path;
			break;
		}
	}
	if (!curatedPath) throw new Error('No curated story in content/stories/ answers 200.');
	const storiesPagePath = await deepStoriesPage(site.baseUrl);

	const searches = [
		{ id: 'search-common' as const, query: SEARCH_QUERIES.common },
		{ id: 'search-two-words' as const, query: SEARCH_QUERIES.twoWords },
		{ id: 'search-rare' as const, query: SEARCH_QUERIES.rare },
	].map((search) => ({
		...search,
		path: searchPath(search.query),
		hits: null as number | null,
	}));
	let firstSearchMs: number | undefined;
	for (const search of searches) {
		// The first search also refreshes the index in a fresh server process: not measured.
		const started = performance.now();
		const page = await getPage(site.baseUrl, search.path);
		if (firstSearchMs === undefined) {
			firstSearchMs = performance.now() - started;
			console.log(
				`First search (with the server's start-up index refresh) took ` +
					`${Math.round(firstSearchMs)} ms; not measured.`,
			);
		}
		search.hits = page.status === 200 ? searchHits(page.body.toString('utf8')) : null;
		if (!search.hits) {
			console.warn(
				`Warning: ${search.path} answered ${page.status} with ${search.hits ?? 'an unrecognized number of'} hits.`,
			);
		}
	}

	const sharePage = await getPage(site.baseUrl, '/share');
	const formToken = parse(sharePage.body.toString('utf8'))
		.querySelector('input[name="formToken"]')
		?.getAttribute('value');
	if (!formToken) throw new Error(`/share (${sharePage.status}) carries no form token.`);
	const nextSubmission = createSubmissionForms(formToken);
	const origin = new URL(site.baseUrl).origin;
	const submissionHeaders = {
		'Content-Type': 'application/x-www-form-urlencoded',
		Origin: origin,
	};
	const submissionPath = '/share?_action=shareStory';
	const trial = await fetch(new URL(submissionPath, site.baseUrl), {
		method: 'POST',
		headers: submissionHeaders,
		body: nextSubmission(),
		redirect: 'manual',
	});
	const trialHtml = await trial.text();
	let submissionsAccepted = trial.status === 200 && RECEIPT_SHOWN(trialHtml) ? 1 : 0;
	if (!submissionsAccepted) {
		console.warn(
			`Warning: a trial submission answered ${trial.status} without a receipt code; ` +
				'the submission rows will count errors.',
		);
	}

	const baselineBodyPath = join(folder, 'baseline-body');
	writeFileSync(baselineBodyPath, communityPage.body);
	const baseline = await startChildServer(
		resolve(PROJECT_ROOT, 'scripts/bench/baseline-server.ts'),
		{
			cwd: PROJECT_ROOT,
			env: {
				BASELINE_BODY_PATH: baselineBodyPath,
				BASELINE_CONTENT_TYPE: communityPage.contentType,
			},
		},
	);
	cleanups.unshift(() => baseline.stop());

	// The distinct-queries case walks through one shuffled list for the whole run, so no
	// query is sent twice (and none finds an earlier answer in the page cache) unless a run
	// sends more queries than the list holds.
	const distinctQueries = createSearchQueryPool(DISTINCT_QUERIES_SEED);
	let distinctQueriesDrawn = 0;
	const nextDistinctQuery = () => distinctQueries[distinctQueriesDrawn++ % distinctQueries.length]!;
	const distinctQueriesAnswered = new Set<string>();
	let distinctResponses = 0;
	let distinctPageCacheHits = 0;

	const cases: BenchCase[] = [
		{
			id: 'baseline',
			label: 'baseline (node:http, same bytes)',
			method: 'GET',
			path: communityPath,
			target: 'baseline',
		},
		{ id: 'home', label: '/', method: 'GET', path: '/', target: 'site' },
		{ id: 'stories', label: '/stories', method: 'GET', path: '/stories', target: 'site' },
		{
			id: 'stories-page',
			label: storiesPagePath,
			method: 'GET',
			path: storiesPagePath,
			target: 'site',
		},
		{
			id: 'community-story',
			label: 'community story',
			method: 'GET',
			path: communityPath,
			target: 'site',
		},
		{
			id: 'curated-story',
			label: 'curated story',
			method: 'GET',
			path: curatedPath,
			target: 'site',
		},
		...searches.map((search): BenchCase => ({
			id: search.id,
			label: `search “${search.query}”`,
			method: 'GET',
			path: search.path,
			target: 'site',
			autocannon: (tally) => ({
				requests: [
					{
						method: 'GET',
						path: search.path,
						onResponse: (_status, _body, _context, headers) => countSearchAnswer(tally, headers),
					},
				],
			}),
		})),
		{
			id: 'search-distinct',
			label: 'search, distinct queries (uncached)',
			method: 'GET',
			path: '/search?q=… (a different query each request)',
			target: 'site',
			autocannon: (tally) => ({
				requests: [
					{
						method: 'GET',
						path: searchPath(SEARCH_QUERIES.common),
						setupRequest: (request, context) => {
							const query = nextDistinctQuery();
							context.query = query;
							return { ...request, path: searchPath(query) };
						},
						onResponse: (_status, _body, context, headers) => {
							countSearchAnswer(tally, headers);
							tally.queries!.add(context.query as string);
							distinctQueriesAnswered.add(context.query as string);
						},
					},
				],
			}),
		},
		{
			id: 'submission',
			label: 'submission POST',
			method: 'POST',
			path: submissionPath,
			target: 'site',
			autocannon: () => ({
				requests: [
					{
						method: 'POST',
						path: submissionPath,
						headers: submissionHeaders,
						setupRequest: (request) => ({ ...request, body: nextSubmission() }),
					},
				],
				verifyBody: RECEIPT_SHOWN,
			}),
		},
	];

	const warmup = warmupSeconds(options.durationSeconds);
	// Search cases also run at the search connection counts (1 by default).
	const allConnections = [...new Set([...options.searchConnections, ...options.connections])].sort(
		(a, b) => a - b,
	);
	const runsAt = (benchCase: BenchCase, connections: number) =>
		options.connections.includes(connections) ||
		(isSearchCase(benchCase.id) && options.searchConnections.includes(connections));
	const runs = allConnections.reduce(
		(sum, connections) => sum + cases.filter((item) => runsAt(item, connections)).length,
		0,
	);
	console.log(
		`Measuring ${cases.length} cases at ${options.connections.join(', ')} connections ` +
			`(search also at ${options.searchConnections.join(', ')}), ${runs} runs: ` +
			`${options.durationSeconds} s each after a ${warmup} s warm-up ` +
			`(about ${Math.ceil((runs * (options.durationSeconds + warmup)) / 60)} min).`,
	);
	const rows: BenchRow[] = [];
	for (const connections of allConnections) {
		let baselineRequestsPerSecond: number | undefined;
		for (const benchCase of cases) {
			if (!runsAt(benchCase, connections)) continue;
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
			const tally = isSearchCase(benchCase.id)
				? newSearchTally(benchCase.id === 'search-distinct')
				: null;
			const result = await autocannon({
				url: new URL(benchCase.path, server.baseUrl).href,
				connections,
				duration: options.durationSeconds,
				warmup: { connections, duration: warmup },
				...benchCase.autocannon?.(tally ?? newSearchTally(false)),
			});
			if (benchCase.id === 'baseline') baselineRequestsPerSecond = result.requests.average;
			if (benchCase.id === 'submission') {
				submissionsAccepted += result['2xx'] + (result.warmup?.['2xx'] ?? 0);
			}
			if (benchCase.id === 'search-distinct' && tally) {
				distinctResponses += tally.responses;
				distinctPageCacheHits += tally.pageCacheHits;
			}
			const row = toRow(benchCase, connections, result, baselineRequestsPerSecond, tally);
			rows.push(row);
			console.log(
				`${Math.round(row.requestsPerSecond)} req/s, p99 ${row.latencyP99Ms} ms` +
					(tally
						? `, page cache ${tally.pageCacheHits} hits/${tally.pageCacheMisses} misses`
						: '') +
					(row.errors > 0
						? `, ${row.errors} errors ${JSON.stringify(row.detail.statusCodes)}`
						: ''),
			);
		}
	}

	// Every accepted submission must be a stored row (none folded, none dropped as a bot's).
	const check = openDatabase(databasePath);
	const { stored } = check.$client
		.prepare(`SELECT count(*) AS stored FROM submissions WHERE status = 'pending'`)
		.get() as { stored: number };
	check.$client.close();

	const serverOutput = site.output().slice(startupOutputLength).trim();
	const order = (row: BenchRow) => cases.findIndex((benchCase) => benchCase.id === row.case);
	rows.sort((a, b) => order(a) - order(b) || a.connections - b.connections);
	const targets = evaluateTargets(rows, options);
	const latencyConnections = Math.min(...options.searchConnections, ...options.connections);
	const distinctSummary = {
		listLength: distinctQueries.length,
		/** Taken from the list: one per request built, a few never sent when a run stops. */
		drawn: distinctQueriesDrawn,
		responses: distinctResponses,
		distinctAnswered: distinctQueriesAnswered.size,
		pageCacheHits: distinctPageCacheHits,
	};
	const date = new Date();

	console.log('');
	console.log(
		`${machine.cpus} × ${machine.cpuModel}, ${gibibytes(machine.totalMemoryBytes)}, ` +
			`Node ${machine.node}, ${options.stories.toLocaleString('en-US')} synthetic stories, ` +
			`${options.durationSeconds} s per case, load average at start ` +
			machine.loadAverageAtStart.join(' ') +
			(code
				? `, commit ${code.commit}${code.uncommittedChanges ? ' with uncommitted changes to the site' : ''}`
				: ''),
	);
	console.log('');
	console.log(formatTable(rows));
	console.log('');
	console.log(
		'requests/s: mean per second; p50/p99: latency in ms; errors: connection errors and ' +
			'timeouts, non-2xx answers, submissions without a receipt code; vs baseline: ' +
			'requests/s ÷ the baseline’s at the same connection count.',
	);
	console.log(
		`Search: p99 per request at ${latencyConnections} connection${latencyConnections === 1 ? '' : 's'}; ` +
			'at higher connection counts latency is queueing on one process. The fixed queries ' +
			'are answered from the page cache after their first request; the distinct-queries ' +
			'case misses it every time and runs the real full-text search.',
	);
	console.log(
		`Distinct queries: ${distinctSummary.responses.toLocaleString('en-US')} answers ` +
			`(warm-ups included) to ${distinctSummary.distinctAnswered.toLocaleString('en-US')} ` +
			`different queries (${distinctSummary.drawn.toLocaleString('en-US')} drawn from a shuffled list of ` +
			`${distinctSummary.listLength.toLocaleString('en-US')}); page-cache hits among them: ` +
			`${distinctSummary.pageCacheHits.toLocaleString('en-US')}.`,
	);
	console.log('');
	console.log(formatInProcessSearch(inProcessSearch));
	// A request still in flight when a run stops is stored, but its answer is not counted:
	// up to one per connection per run (warm-up and measurement). Fewer rows than answers
	// would mean stories folded together or silently dropped.
	console.log(
		`Submissions: ${stored.toLocaleString('en-US')} stored, ` +
			`${submissionsAccepted.toLocaleString('en-US')} answered with a receipt code` +
			(stored < submissionsAccepted ? ' — FEWER STORED THAN ANSWERED.' : '.'),
	);
	if (serverOutput) {
		console.log('');
		console.log('The server printed during the run (last 40 lines):');
		console.log(serverOutput.split('\n').slice(-40).join('\n'));
		const errorLines = serverOutput.split('\n').filter((line) => line.includes('[ERROR]'));
		if (errorLines.length > 0 && errorLines.every((line) => line.endsWith('Error: aborted'))) {
			console.log(
				`(${errorLines.length} × “Error: aborted”: requests cut off when a run ended; ` +
					'autocannon closes its connections with requests still in flight.)',
			);
		}
	}
	console.log('');
	console.log('Targets:');
	console.log(formatTargets(targets));

	const resultsFolder = resolve(PROJECT_ROOT, 'bench-results');
	mkdirSync(resultsFolder, { recursive: true });
	const resultsPath = join(resultsFolder, `bench-${date.toISOString().replace(/[:.]/g, '-')}.json`);
	writeFileSync(
		resultsPath,
		`${JSON.stringify(
			{
				date: date.toISOString(),
				machine,
				code,
				options: {
					stories: options.stories,
					connections: options.connections,
					searchConnections: options.searchConnections,
					durationSeconds: options.durationSeconds,
					warmupSeconds: warmup,
				},
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
				baselineBytes: communityPage.body.length,
				rows,
				targets,
				serverOutput,
			},
			null,
			'\t',
		)}\n`,
	);
	console.log('');
	console.log(`Written to ${resultsPath}`);
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

	// Servers are put first, so they stop before their temp folder is deleted.
	const cleanups: (() => Promise<void> | void)[] = [];
	const cleanUp = async () => {
		for (const cleanup of cleanups.splice(0)) await cleanup();
	};
	process.once('SIGINT', () => {
		console.error('\nInterrupted; stopping the servers and removing the temp folder.');
		void cleanUp().then(() => process.exit(130));
	});
	try {
		await runBench(options, cleanups);
		return 0;
	} catch (error) {
		console.error(error);
		return 1;
	} finally {
		await cleanUp();
	}
}

process.exit(await main());
