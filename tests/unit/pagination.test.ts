import { describe, expect, it } from 'vitest';
import { paginate, parsePageNumber } from '../../src/lib/pagination.ts';

describe('parsePageNumber', () => {
	it.each([
		[null, 1],
		['', 1],
		['1', 1],
		['12', 12],
	])('reads %j as page %j', (value, expected) => expect(parsePageNumber(value)).toBe(expected));

	it.each(['0', '-1', '2.5', 'abc', '1e3', ' 2', '01', '9999999', '2;drop'])(
		'refuses %j',
		(value) => expect(parsePageNumber(value)).toBeNull(),
	);
});

describe('paginate', () => {
	const items = Array.from({ length: 25 }, (_, i) => i + 1);

	it('returns the requested slice with totals', () => {
		expect(paginate(items, 2, 12)).toEqual({
			items: [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
			page: 2,
			totalPages: 3,
			totalItems: 25,
		});
	});

	it('returns a short last page', () => {
		expect(paginate(items, 3, 12)?.items).toEqual([25]);
	});

	it('is null past the end', () => {
		expect(paginate(items, 4, 12)).toBeNull();
	});

	it('always has a first page, even with nothing to show', () => {
		expect(paginate([], 1, 12)).toEqual({ items: [], page: 1, totalPages: 1, totalItems: 0 });
		expect(paginate([], 2, 12)).toBeNull();
	});
});
