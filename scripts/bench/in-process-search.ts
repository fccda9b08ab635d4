/**
 * `searchPublished` timed call by call in the bench process, on the seeded database: the
 * cost of the query itself, without HTTP, Astro or the page cache.
 */
import type { Store } from '../../db/store.ts';
import { searchPublished } from '../../src/lib/server/search-index.ts';
import type { InProcessSearch } from './report.ts';
import { SEARCH_QUERIES, createSearchQueryPool } from './synthetic-stories.ts';

/** Seed of the generated queries timed here (the HTTP case uses another list). */
const IN_PROCESS_QUERIES_SEED = 32;
/** Generated queries timed in process, and untimed ones before them. */
const IN_PROCESS_QUERIES = 500;
const IN_PROCESS_WARMUP_QUERIES = 25;

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], fraction: number): number {
	return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

/**
 * `searchPublished` timed call by call on the seeded database, in this process: the cost
 * of the query itself, without HTTP, Astro or the page cache. On either engine: `store` is
 * the caller's, who closes it. Generated queries from the
 * same list as the distinct-queries case (another shuffle), then the three fixed ones.
 */
export async function measureSearchInProcess(store: Store): Promise<InProcessSearch> {
	const pool = createSearchQueryPool(IN_PROCESS_QUERIES_SEED);
	const time = async (query: string) => {
		const started = performance.now();
		const { total } = await searchPublished({ query, page: 1 }, store);
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
}
