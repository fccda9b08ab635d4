/**
 * How search cost grows with the library, in process (no HTTP, no page cache):
 *
 *   node scripts/bench/search-scale.ts [--stories 10000,100000] [--queries 500]
 *
 * For each size it seeds a temporary database with that many SYNTHETIC stories
 * (synthetic-stories.ts; deleted afterwards), times the first search of a fresh process's
 * refresh of the curated part of the index, then times `searchPublished` over distinct
 * generated queries (each once, after a short warm-up) and prints median / p95 / p99 / max.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { refreshCuratedSearch, searchPublished } from '../../src/lib/server/search.ts';
import {
	createSearchQueryPool,
	SEARCH_QUERIES,
	seedSyntheticStories,
} from './synthetic-stories.ts';

const QUERY_POOL_SEED = 23;
const WARMUP_QUERIES = 50;

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], fraction: number): number {
	return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

const CURATED_SAMPLE = [
	{
		path: '/strategies/bench-curated',
		kind: 'editorial' as const,
		topics: ['cravings'],
		title: 'A curated piece',
		summary: 'Stands in for the content collections.',
		body: 'A meeting, a craving, a morning walk.',
		publishedAt: new Date('2024-01-01'),
	},
];

async function measure(stories: number, queries: number) {
	const folder = mkdtempSync(join(os.tmpdir(), 'common-thread-search-scale-'));
	try {
		const databasePath = join(folder, 'bench.db');
		const seeding = openDatabase(databasePath);
		migrateDatabase(seeding);
		let started = performance.now();
		await seedSyntheticStories(seeding, stories);
		const seedSeconds = (performance.now() - started) / 1000;
		seeding.$client.close();

		// A fresh handle, as a server process after a start.
		const database = openDatabase(databasePath);
		started = performance.now();
		await refreshCuratedSearch(CURATED_SAMPLE, database);
		const refreshMs = performance.now() - started;
		const pool = createSearchQueryPool(QUERY_POOL_SEED);
		const time = async (query: string) => {
			const began = performance.now();
			const { total } = await searchPublished({ query, page: 1 }, database);
			return { query, ms: performance.now() - began, total };
		};
		for (const query of pool.slice(queries, queries + WARMUP_QUERIES)) await time(query);
		const timed = [];
		for (const query of [...pool.slice(0, queries), ...Object.values(SEARCH_QUERIES)])
			timed.push(await time(query));
		database.$client.close();
		const sorted = timed.map((item) => item.ms).sort((a, b) => a - b);
		return {
			stories,
			seedSeconds,
			refreshMs,
			queries: timed.length,
			p50: percentile(sorted, 0.5),
			p95: percentile(sorted, 0.95),
			p99: percentile(sorted, 0.99),
			max: sorted.at(-1)!,
			slowest: [...timed].sort((a, b) => b.ms - a.ms).slice(0, 3),
		};
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

const { values } = parseArgs({
	options: {
		stories: { type: 'string', default: '10000,100000' },
		queries: { type: 'string', default: '500' },
	},
});
const sizes = values.stories.split(',').map(Number);
const queries = Number(values.queries);
console.log(
	`load: ${os
		.loadavg()
		.map((load) => load.toFixed(2))
		.join(' ')}`,
);
console.log('stories | seed s | curated refresh ms | search p50 / p95 / p99 / max ms | slowest');
for (const size of sizes) {
	const result = await measure(size, queries);
	const ms = (value: number) => value.toFixed(1);
	console.log(
		`${result.stories} | ${result.seedSeconds.toFixed(1)} | ${ms(result.refreshMs)} | ` +
			`${ms(result.p50)} / ${ms(result.p95)} / ${ms(result.p99)} / ${ms(result.max)} | ` +
			result.slowest.map((item) => `"${item.query}" ${ms(item.ms)} (${item.total})`).join(', '),
	);
}
console.log(
	`load: ${os
		.loadavg()
		.map((load) => load.toFixed(2))
		.join(' ')}`,
);
