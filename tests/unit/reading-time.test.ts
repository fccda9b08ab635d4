import { describe, expect, it } from 'vitest';
import { countWords, readingMinutes, WORDS_PER_MINUTE } from '../../src/lib/reading-time.ts';

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

describe('countWords', () => {
	it.each([
		['plain prose', 'One small step at a time.', 6],
		['Markdown markup', '## A heading\n\n- **bold** item\n- _soft_ item', 6],
		[
			'MDX imports and component tags',
			'import Callout from \'../x.astro\';\n\n<Callout type="note">\n\nStay close.\n\n</Callout>',
			2,
		],
		['link targets', 'Read [the guide](https://example.org/a/b/c) today.', 4],
		['punctuation-only tokens', 'Wait — really?  …  Yes.', 3],
		['an empty text', '', 0],
	])('counts %s', (_case, text, expected) => {
		expect(countWords(text)).toBe(expected);
	});
});

describe('readingMinutes', () => {
	it('is at least one minute, even for nothing', () => {
		expect(readingMinutes('')).toBe(1);
	});

	it('rounds to the nearest minute at the reading speed', () => {
		expect(readingMinutes(words(WORDS_PER_MINUTE * 5))).toBe(5);
		expect(readingMinutes(words(Math.floor(WORDS_PER_MINUTE * 5.4)))).toBe(5);
		expect(readingMinutes(words(Math.ceil(WORDS_PER_MINUTE * 5.6)))).toBe(6);
	});
});
