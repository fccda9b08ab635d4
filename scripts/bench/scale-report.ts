/**
 * The scale benchmark's results: one set of figures per library size, each figure's ratio
 * to the smallest size, the targets from issue 13 judged on them, and the printed table.
 */
import { alignedTable } from './aligned-table.ts';

/** The figures measured at one library size (milliseconds unless named otherwise). */
export interface ScaleFigures {
	stories: number;
	/** Seconds it took to seed the file (when it was first seeded, for a cached one). */
	seedingSeconds: number;
	/** True when the seeded file came from the cache (`--reuse`). */
	seedingCached: boolean;
	databaseBytes: number;
	/** Spawning the server until it prints that it listens. */
	listeningMs: number;
	/** The first `/stories`, right after listening. */
	firstStoriesMs: number;
	/** `/stories?page=3` after a withdrawal made through the site. */
	storiesAfterChangeMs: number;
	/**
	 * From the withdrawal's answer until its text is out of every file: 0 on SQLite (done
	 * before the answer); on PostgreSQL the rewrite of what it touched and the checkpoint
	 * after it. The figures below are measured once it is done.
	 */
	erasureOnDiskMs: number;
	deepPage: number;
	deepPageMs: number;
	/** A community story page not yet cached. */
	storyMissMs: number;
	/** The server's VmRSS after the load, in MB. */
	rssMb: number;
	searchQueries: number;
	searchP50Ms: number;
	searchP99Ms: number;
}

/** The figures the table shows, in order, with how each is printed. */
const SCALE_COLUMNS = [
	{ key: 'seedingSeconds', label: 'seeding', unit: 's' },
	{ key: 'listeningMs', label: 'listening', unit: 'ms' },
	{ key: 'firstStoriesMs', label: 'first /stories', unit: 'ms' },
	{ key: 'storiesAfterChangeMs', label: '/stories after change', unit: 'ms' },
	{ key: 'erasureOnDiskMs', label: 'withdrawal off the disk', unit: 'ms' },
	{ key: 'deepPageMs', label: 'deep page', unit: 'ms' },
	{ key: 'storyMissMs', label: 'story page miss', unit: 'ms' },
	{ key: 'rssMb', label: 'RSS', unit: 'MB' },
	{ key: 'searchP50Ms', label: 'search p50', unit: 'ms' },
	{ key: 'searchP99Ms', label: 'search p99', unit: 'ms' },
] as const satisfies readonly { key: keyof ScaleFigures; label: string; unit: string }[];

/**
 * `value` ÷ the same figure at the smallest size, or `null` when either is missing or the
 * smallest is zero (no ratio to show).
 */
export function ratioTo(value: number | null, smallest: number | null): number | null {
	if (value === null || smallest === null || smallest <= 0) return null;
	return value / smallest;
}

/** The value at quantile `q` (0–1) of unsorted `values`, nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((first, second) => first - second);
	const rank = Math.max(1, Math.ceil(q * sorted.length));
	return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** `/stories?page=` of the deep-page figure: page 5,000, or the last full page of fewer. */
export function deepPageFor(stories: number, perPage: number): number {
	return Math.max(1, Math.min(5_000, Math.floor(stories / perPage)));
}

/** Search p99 allowed at this library size (issue 13, point 5). */
export function searchP99LimitMs(stories: number): number {
	if (stories <= 10_000) return 20;
	if (stories <= 100_000) return 50;
	return 150;
}

/** Start-up + first /stories (issue 13, point 3: at 1,000,000 stories, so at any fewer). */
const STARTUP_LIMIT_MS = 1_000;
/** Server memory after the load (issue 13, point 6). */
const RSS_LIMIT_MB = 300;

export interface ScaleTarget {
	stories: number;
	name: string;
	met: boolean;
	measured: string;
}

function formatCount(value: number): string {
	return value.toLocaleString('en-US');
}

function formatFigure(value: number): string {
	if (value >= 100) return formatCount(Math.round(value));
	if (value >= 10) return value.toFixed(1);
	return value.toFixed(2);
}

/** The targets judged at each size: start-up, search p99, memory. */
export function evaluateScaleTargets(figures: readonly ScaleFigures[]): ScaleTarget[] {
	return figures.flatMap((size) => {
		const startup = size.listeningMs + size.firstStoriesMs;
		const searchLimit = searchP99LimitMs(size.stories);
		return [
			{
				stories: size.stories,
				name: `listening + first /stories ≤ ${formatCount(STARTUP_LIMIT_MS)} ms`,
				met: startup <= STARTUP_LIMIT_MS,
				measured: `${formatFigure(startup)} ms`,
			},
			{
				stories: size.stories,
				name: `search p99 ≤ ${searchLimit} ms`,
				met: size.searchP99Ms <= searchLimit,
				measured: `${formatFigure(size.searchP99Ms)} ms`,
			},
			{
				stories: size.stories,
				name: `RSS ≤ ${RSS_LIMIT_MB} MB`,
				met: size.rssMb <= RSS_LIMIT_MB,
				measured: `${formatFigure(size.rssMb)} MB`,
			},
		];
	});
}

/** One figure and its ratio to the smallest size (`×1.0` on the smallest). */
function cell(value: number, smallest: number | null, cached: boolean): string {
	const ratio = ratioTo(value, smallest);
	return `${formatFigure(value)}${cached ? ' (cached)' : ''}${ratio === null ? '' : ` ×${ratio.toFixed(1)}`}`;
}

/**
 * The figures as an aligned table: one row per figure, one column per size, each cell
 * the value and its ratio to the smallest size.
 */
export function formatScaleTable(figures: readonly ScaleFigures[]): string {
	const sizes = [...figures].sort((first, second) => first.stories - second.stories);
	const smallest = sizes[0];
	const header = ['figure', ...sizes.map((size) => `${formatCount(size.stories)} stories`)];
	const lines = SCALE_COLUMNS.map((column) => [
		`${column.label} (${column.unit})`,
		...sizes.map((size) =>
			cell(
				size[column.key],
				smallest?.[column.key] ?? null,
				column.key === 'seedingSeconds' && size.seedingCached,
			),
		),
	]);
	lines.push([
		'database (MB)',
		...sizes.map((size) =>
			cell(size.databaseBytes / 1024 / 1024, (smallest?.databaseBytes ?? 0) / 1024 / 1024, false),
		),
	]);
	lines.push(['deep page (number)', ...sizes.map((size) => formatCount(size.deepPage))]);
	return alignedTable(header, lines);
}

/** The targets as lines: `met` / `not met`, the size, what was required, what was measured. */
export function formatScaleTargets(targets: readonly ScaleTarget[]): string {
	return targets
		.map(
			(target) =>
				`${(target.met ? 'met' : 'not met').padEnd(7)}  ${formatCount(target.stories)} stories: ` +
				`${target.name}: ${target.measured}`,
		)
		.join('\n');
}
