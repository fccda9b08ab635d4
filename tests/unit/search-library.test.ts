import { describe, expect, it } from 'vitest';
import { rankByQuery, searchTerms } from '../../src/lib/search-library.ts';

const piece = (
	title: string,
	fields: Partial<{ summary: string; keywords: string[]; body: string }> = {},
) => ({
	title,
	summary: fields.summary ?? '',
	keywords: fields.keywords ?? [],
	body: fields.body ?? '',
});

describe('searchTerms', () => {
	it('keeps words of two or more letters, lower-cased and once each', () => {
		expect(searchTerms('Cravings, a CRAVINGS plan!')).toEqual(['cravings', 'plan']);
	});

	it.each(['"', '(((', 'AND OR NOT', '*', '^', ''])('copes with %j', (query) => {
		expect(() => searchTerms(query)).not.toThrow();
	});
});

describe('rankByQuery', () => {
	const pieces = [
		piece('Riding out a craving', { body: 'urge surfing helps' }),
		piece('The first meeting', { summary: 'a craving in the car park' }),
		piece('Work and recovery', { keywords: ['Work'], body: 'craving at the office' }),
		piece('Grief without a drink'),
	];

	it('puts title matches above summary and body matches', () => {
		expect(rankByQuery(pieces, 'craving').map(({ title }) => title)).toEqual([
			'Riding out a craving',
			'The first meeting',
			'Work and recovery',
		]);
	});

	it('requires every term to appear', () => {
		expect(rankByQuery(pieces, 'craving office').map(({ title }) => title)).toEqual([
			'Work and recovery',
		]);
	});

	it('finds nothing for an empty or punctuation-only query', () => {
		expect(rankByQuery(pieces, '')).toEqual([]);
		expect(rankByQuery(pieces, '"*^()')).toEqual([]);
	});
});
