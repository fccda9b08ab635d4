/**
 * The bench's cases, and how one is run at one connection count: a warm-up, then the
 * measured run, with whichever load generator the machine has (load.ts).
 */
import os from 'node:os';
import type { ChildServer } from './child-server.ts';
import { RECEIPT_SHOWN, type SiteFixtures } from './fixtures.ts';
import { runLoad, variantAt, type LoadGenerator, type LoadPlan, type LoadResult } from './load.ts';
import { isSearchCase, type BenchRow, type CaseId } from './report.ts';
import { createSearchQueryPool, searchPath } from './synthetic-stories.ts';

/** Seed of the generated search queries sent over HTTP (in-process search uses another). */
const DISTINCT_QUERIES_SEED = 31;

export interface BenchCase {
	id: CaseId;
	label: string;
	method: 'GET' | 'POST';
	path: string;
	/** The baseline runs against its own server. */
	target: 'site' | 'baseline';
	/** What makes this case's requests differ, and what is read from its answers. */
	plan?: Pick<LoadPlan, 'headers' | 'variants' | 'countPageCache' | 'bodyMustContain'>;
}

/** A page a reader opens (not search, not a submission): measured next to a baseline run of its own. */
export function isPageCase(benchCase: BenchCase): boolean {
	return benchCase.target === 'site' && benchCase.method === 'GET' && !isSearchCase(benchCase.id);
}

/** The distinct-queries case: one shuffled list walked through over the whole run. */
export const DISTINCT_QUERIES = createSearchQueryPool(DISTINCT_QUERIES_SEED);

export function buildCases(fixtures: SiteFixtures): BenchCase[] {
	const page = (id: CaseId, label: string, path: string): BenchCase => ({
		id,
		label,
		method: 'GET',
		path,
		target: 'site',
	});
	return [
		{
			id: 'baseline',
			label: 'baseline (node:http, same bytes)',
			method: 'GET',
			path: fixtures.communityPath,
			target: 'baseline',
		},
		page('home', '/', '/'),
		page('stories', '/stories', '/stories'),
		page('stories-page', fixtures.storiesPagePath, fixtures.storiesPagePath),
		page('community-story', 'community story', fixtures.communityPath),
		page('curated-story', 'curated story', fixtures.curatedPath),
		...fixtures.searches.map((search): BenchCase => ({
			...page(search.id, `search “${search.query}”`, search.path),
			plan: { countPageCache: true },
		})),
		{
			...page(
				'search-distinct',
				'search, distinct queries (uncached)',
				'/search?q=… (a different query each request)',
			),
			plan: {
				countPageCache: true,
				// No query is sent twice (and none finds an earlier answer in the page cache)
				// unless a run sends more queries than the list holds.
				variants: {
					part: 'path',
					list: DISTINCT_QUERIES.map(searchPath),
					appendNumber: false,
					firstNumber: 0,
				},
			},
		},
		{
			id: 'submission',
			label: 'submission POST',
			method: 'POST',
			path: fixtures.submission.path,
			target: 'site',
			plan: {
				headers: fixtures.submission.headers,
				variants: {
					part: 'body',
					list: fixtures.submission.forms,
					appendNumber: true,
					firstNumber: 1,
				},
				bodyMustContain: RECEIPT_SHOWN,
			},
		},
	];
}

/** Long enough to fill caches and reach a steady state, short enough to keep the run brief. */
export function warmupSeconds(durationSeconds: number): number {
	return Math.min(3, Math.max(1, Math.round(durationSeconds / 5)));
}

/** What one run added up to, its warm-up included. */
export interface RunTally {
	responses: number;
	pageCacheHits: number;
	pageCacheMisses: number;
	bodiesMatched: number;
}

/**
 * A warm-up and a measured run of `benchCase` at `connections`. Variant cases continue
 * from `numbers.next` (and move it on), so no run repeats an earlier run's requests.
 */
export async function runCase(
	generator: LoadGenerator,
	benchCase: BenchCase,
	server: ChildServer,
	connections: number,
	durationSeconds: number,
	numbers: { next: number },
): Promise<{ result: LoadResult; tally: RunTally }> {
	const variants = benchCase.plan?.variants;
	const plan = (seconds: number): LoadPlan => ({
		baseUrl: server.baseUrl,
		method: benchCase.method,
		// A case whose path varies shows a description; the first path it sends stands for it.
		path: variants?.part === 'path' ? variantAt(variants, numbers.next) : benchCase.path,
		connections,
		durationSeconds: seconds,
		...benchCase.plan,
		...(variants && { variants: { ...variants, firstNumber: numbers.next } }),
	});
	const warmup = await runLoad(generator, plan(warmupSeconds(durationSeconds)));
	numbers.next = warmup.nextNumber;
	const result = await runLoad(generator, plan(durationSeconds));
	numbers.next = result.nextNumber;
	const both = [warmup, result];
	const sum = (read: (item: LoadResult) => number) =>
		both.reduce((total, item) => total + read(item), 0);
	const tally = {
		responses: sum((item) => item.requestsCompleted),
		pageCacheHits: sum((item) => item.pageCacheHits),
		pageCacheMisses: sum((item) => item.pageCacheMisses),
		bodiesMatched: sum((item) => item.bodiesMatched),
	};
	return { result, tally };
}

export function toRow(
	benchCase: BenchCase,
	connections: number,
	result: LoadResult,
	baselineRequestsPerSecond: number | undefined,
	tally: RunTally,
	distinctQueriesSent: number | null,
): BenchRow {
	return {
		case: benchCase.id,
		label: benchCase.label,
		method: benchCase.method,
		path: benchCase.path,
		connections,
		requestsPerSecond: result.requestsPerSecond,
		latencyP50Ms: result.latencyP50Ms,
		latencyP99Ms: result.latencyP99Ms,
		latencyAverageMs: result.latencyAverageMs,
		errors: result.connectionErrors + result.non2xx + result.mismatches,
		ratioToBaseline: baselineRequestsPerSecond
			? result.requestsPerSecond / baselineRequestsPerSecond
			: null,
		detail: {
			connectionErrors: result.connectionErrors,
			timeouts: result.timeouts,
			non2xx: result.non2xx,
			mismatches: result.mismatches,
			statusCodes: result.statusCodes,
			requestsCompleted: result.requestsCompleted,
			durationSeconds: result.durationSeconds,
			bytesPerSecond: result.bytesPerSecond,
			loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
			...(isSearchCase(benchCase.id) && {
				search: {
					responses: tally.responses,
					distinctQueries: distinctQueriesSent,
					pageCacheHits: tally.pageCacheHits,
					pageCacheMisses: tally.pageCacheMisses,
				},
			}),
		},
	};
}
