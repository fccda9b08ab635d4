import { describe, expect, it } from 'vitest';
import {
	deepPageFor,
	evaluateScaleTargets,
	formatScaleTable,
	formatScaleTargets,
	quantile,
	ratioTo,
	searchP99LimitMs,
	type ScaleFigures,
} from '../../scripts/bench/scale-report.ts';

function figures(stories: number, overrides: Partial<ScaleFigures> = {}): ScaleFigures {
	return {
		stories,
		seedingSeconds: 10,
		seedingCached: false,
		databaseBytes: 100 * 1024 * 1024,
		listeningMs: 300,
		firstStoriesMs: 50,
		storiesAfterChangeMs: 20,
		erasureOnDiskMs: 0,
		deepPage: 833,
		deepPageMs: 20,
		storyMissMs: 15,
		rssMb: 120,
		searchQueries: 300,
		searchP50Ms: 4,
		searchP99Ms: 12,
		...overrides,
	};
}

describe('ratioTo', () => {
	it('divides by the figure at the smallest size', () => {
		expect(ratioTo(30, 10)).toBe(3);
		expect(ratioTo(10, 10)).toBe(1);
	});

	it('has no ratio when a figure is missing or the smallest is zero', () => {
		expect(ratioTo(null, 10)).toBeNull();
		expect(ratioTo(10, null)).toBeNull();
		expect(ratioTo(10, 0)).toBeNull();
	});
});

describe('quantile', () => {
	it('takes the nearest rank, whatever the order', () => {
		const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
		expect(quantile(values, 0.5)).toBe(5);
		expect(quantile(values, 0.99)).toBe(10);
		expect(quantile(values, 0)).toBe(1);
	});

	it('is NaN for no values', () => {
		expect(quantile([], 0.5)).toBeNaN();
	});
});

describe('deepPageFor', () => {
	it.each([
		[1_000_000, 5000],
		[100_000, 5000],
		[10_000, 833],
		[5, 1],
	])('at %i stories is page %i', (stories, page) => {
		expect(deepPageFor(stories, 12)).toBe(page);
	});
});

describe('searchP99LimitMs', () => {
	it.each([
		[10_000, 20],
		[10_001, 50],
		[100_000, 50],
		[1_000_000, 150],
	])('at %i stories is %i ms', (stories, limit) => {
		expect(searchP99LimitMs(stories)).toBe(limit);
	});
});

describe('evaluateScaleTargets', () => {
	it('judges start-up, search and memory at each size', () => {
		const targets = evaluateScaleTargets([
			figures(10_000),
			figures(1_000_000, {
				listeningMs: 900,
				firstStoriesMs: 101,
				searchP99Ms: 150,
				rssMb: 301,
			}),
		]);
		expect(targets.map((target) => [target.stories, target.name, target.met])).toEqual([
			[10_000, 'listening + first /stories ≤ 1,000 ms', true],
			[10_000, 'search p99 ≤ 20 ms', true],
			[10_000, 'RSS ≤ 300 MB', true],
			[1_000_000, 'listening + first /stories ≤ 1,000 ms', false],
			[1_000_000, 'search p99 ≤ 150 ms', true],
			[1_000_000, 'RSS ≤ 300 MB', false],
		]);
		expect(targets[3]!.measured).toBe('1,001 ms');
	});
});

describe('formatScaleTable', () => {
	it('shows each figure per size with its ratio to the smallest, smallest first', () => {
		const table = formatScaleTable([
			figures(100_000, { firstStoriesMs: 150, seedingSeconds: 95, seedingCached: true }),
			figures(10_000),
		]);
		const lines = table.split('\n');
		expect(lines[0]).toMatch(/^figure\s+10,000 stories\s+100,000 stories$/);
		expect(lines.find((line) => line.startsWith('first /stories (ms)'))).toMatch(
			/50\.0 ×1\.0\s+150 ×3\.0$/,
		);
		expect(lines.find((line) => line.startsWith('seeding (s)'))).toMatch(
			/10\.0 ×1\.0\s+95\.0 \(cached\) ×9\.5$/,
		);
		expect(lines.find((line) => line.startsWith('deep page (number)'))).toMatch(/833\s+833$/);
		// Zero at the smallest size (SQLite erases before answering): no ratio to show.
		expect(lines.find((line) => line.startsWith('withdrawal off the disk (ms)'))).toMatch(
			/0\.00\s+0\.00$/,
		);
	});
});

describe('formatScaleTargets', () => {
	it('says met or not met, the size, the target and the figure', () => {
		const text = formatScaleTargets([
			{ stories: 1_000_000, name: 'RSS ≤ 300 MB', met: false, measured: '301 MB' },
			{ stories: 10_000, name: 'search p99 ≤ 20 ms', met: true, measured: '12.0 ms' },
		]);
		expect(text.split('\n')).toEqual([
			'not met  1,000,000 stories: RSS ≤ 300 MB: 301 MB',
			'met      10,000 stories: search p99 ≤ 20 ms: 12.0 ms',
		]);
	});
});
