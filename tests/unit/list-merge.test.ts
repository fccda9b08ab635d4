import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareListed, mergedWindow, type Listed } from '../../src/lib/list-merge.ts';

const DAY = 24 * 60 * 60 * 1000;

/** Items with distinct slugs, many sharing a publish time (ties are where merging goes wrong). */
const items = (prefix: string) =>
	fc
		.uniqueArray(
			fc.tuple(fc.integer({ min: 0, max: 30 }), fc.string({ minLength: 1, maxLength: 4 })),
			{
				selector: ([, slug]) => slug,
				maxLength: 60,
			},
		)
		.map((tuples) =>
			tuples
				.map(([day, slug]): Listed => ({
					published: new Date(day * DAY),
					slug: `${prefix}${slug}`,
				}))
				.sort(compareListed),
		);

describe('mergedWindow', () => {
	it('returns exactly the slice of the fully merged list, at every offset', async () => {
		await fc.assert(
			fc.asyncProperty(
				items('c-'),
				items('s-'),
				fc.integer({ min: 0, max: 130 }),
				fc.integer({ min: 1, max: 15 }),
				async (curated, community, offset, limit) => {
					const whole = [...curated, ...community].sort(compareListed);
					const read = (start: number, count: number) => community.slice(start, start + count);
					expect(await mergedWindow(curated, read, offset, limit)).toEqual(
						whole.slice(offset, offset + limit),
					);
				},
			),
			{ numRuns: 2000 },
		);
	});

	it('reads one window of at most limit + curated + 1 items, however deep the page', async () => {
		const curated = Array.from({ length: 5 }, (_, index) => ({
			published: new Date(index * DAY * 1000),
			slug: `c${index}`,
		})).sort(compareListed);
		const reads: [number, number][] = [];
		const read = (start: number, count: number) => {
			reads.push([start, count]);
			return Array.from({ length: count }, (_, index) => ({
				published: new Date((1_000_000 - start - index) * DAY),
				slug: `s${start + index}`,
			}));
		};
		await mergedWindow(curated, read, 60_000, 12);
		expect(reads).toEqual([[60_000 - 5 - 1, 12 + 5 + 1]]);
	});
});

describe('compareListed', () => {
	it('puts the newest first and breaks ties by slug, last first, as the indexes run', () => {
		const at = new Date('2026-01-01');
		const older = new Date('2025-01-01');
		expect(
			[
				{ published: older, slug: 'b' },
				{ published: at, slug: 'a' },
				{ published: at, slug: 'c' },
			].sort(compareListed),
		).toEqual([
			{ published: at, slug: 'c' },
			{ published: at, slug: 'a' },
			{ published: older, slug: 'b' },
		]);
	});
});
