import { describe, expect, it } from 'vitest';
import {
	snippetToHtml,
	SNIPPET_MARKERS,
	toFtsQuery,
	toSearchTerms,
	withoutPrefix,
} from '../../src/lib/search-query.ts';

describe('toSearchTerms', () => {
	it.each([
		['craving', { words: ['craving'], lastIsPrefix: true }],
		['help from the counselor', { words: ['help', 'counselor'], lastIsPrefix: true }],
		['what was it', { words: ['what', 'was', 'it'], lastIsPrefix: false }],
		["'relapse' & !urge:*", { words: ['relapse', 'urge'], lastIsPrefix: true }],
		['café\\ (re)', { words: ['café', 're'], lastIsPrefix: false }],
	])('reads %j as %j', (input, expected) => {
		expect(toSearchTerms(input)).toEqual(expected);
	});

	it.each(['', '"', "'&|!:*()<->\\", '\u0000'])('finds no words in %j', (input) => {
		expect(toSearchTerms(input)).toBeNull();
	});
});

describe('toFtsQuery', () => {
	it.each([
		['craving', '"craving"*'],
		['Urge surfing', '"urge" "surfing"*'],
		['help from the counselor', '"help" "counselor"*'],
		['counselor the', '"counselor"*'],
		['what was it', '"what" "was" "it"'],
		['AND OR NOT', '"and" "or" "not"*'],
		['title:relapse', '"title" "relapse"*'],
		['"quoted phrase"', '"quoted" "phrase"*'],
		['NEAR(a b)', '"near" "b"'],
		['re*', '"re"'],
		['^start', '"start"*'],
		['café', '"café"*'],
	])('turns %j into %j', (input, expected) => {
		expect(toFtsQuery(input)).toBe(expected);
	});

	it.each(['', '   ', '"', '()', '*^-+', '\u0000\u0001'])(
		'finds nothing searchable in %j',
		(input) => {
			expect(toFtsQuery(input)).toBeNull();
		},
	);

	it('keeps at most 12 words', () => {
		expect(
			toFtsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))!.split(' '),
		).toHaveLength(12);
	});
});

describe('withoutPrefix', () => {
	it.each([
		['"urge" "surf"*', '"urge" "surf"'],
		['"craving"*', '"craving"'],
		['"re"', '"re"'],
		['"what" "was" "it"', '"what" "was" "it"'],
	])('turns %j into %j', (query, expected) => {
		expect(withoutPrefix(query)).toBe(expected);
	});
});

describe('snippetToHtml', () => {
	it('escapes the text and marks only the matches', () => {
		const snippet = `a <script>x</script> & "q" ${SNIPPET_MARKERS.start}hope${SNIPPET_MARKERS.end}`;
		expect(snippetToHtml(snippet)).toBe(
			'a &lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot; <mark>hope</mark>',
		);
	});
});
