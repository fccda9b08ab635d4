import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderUserMarkdown, renderUserMarkdownWithHighlights } from '../../src/lib/markdown.ts';

const VOID_TAGS = new Set(['br', 'hr']);
const BLOCK_TAGS = new Set(['p', 'blockquote', 'ul', 'ol', 'li', 'h3', 'h4', 'hr']);

/**
 * The markup problems a browser would silently "repair" by stretching an element over what
 * follows it: a close tag that does not match the open one, an element left open, a link
 * holding a block or another link. Returns them as sentences; none means the markup is sound.
 */
function markupProblems(html: string): string[] {
	const problems: string[] = [];
	const open: string[] = [];
	for (const [, closing, name] of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*>/gi)) {
		const tag = name!.toLowerCase();
		if (VOID_TAGS.has(tag)) {
			if (open.includes('a') && BLOCK_TAGS.has(tag)) problems.push(`<${tag}> inside a link`);
			continue;
		}
		if (!closing) {
			if (open.includes('a') && (tag === 'a' || BLOCK_TAGS.has(tag)))
				problems.push(`<${tag}> opened inside a link`);
			open.push(tag);
			continue;
		}
		const expected = open.pop();
		if (expected !== tag) problems.push(`</${tag}> closes <${expected ?? 'nothing'}>`);
	}
	if (open.length > 0) problems.push(`left open: ${open.join(', ')}`);
	return problems;
}

describe('renderUserMarkdown markup', () => {
	it.each([
		[
			'a dropped relative link before an allowed one',
			'[x](/x) [y](https://attacker.example/phish)',
		],
		['a dropped link before bold text', '[another](/x) and **bold** end.'],
		[
			'a dropped javascript: link in a list',
			'- [a](javascript:alert(1)) *b*\n- [c](https://ok.example)',
		],
		['two dropped links in a quote', '> [a](/a) [b](mailto:x@y.example) **c**'],
	])('balances every tag after %s', (_, source) => {
		expect(markupProblems(renderUserMarkdown(source))).toEqual([]);
	});

	it('keeps an allowed link after a dropped one to its own words', () => {
		expect(renderUserMarkdown('[x](/x) [y](https://attacker.example/phish) after')).toBe(
			'<p>x <a href="https://attacker.example/phish" rel="nofollow ugc noopener noreferrer">y</a> after</p>\n',
		);
	});

	it('keeps emphasis after a dropped link as emphasis', () => {
		expect(renderUserMarkdown('[another](/x) and **bold** end.')).toBe(
			'<p>another and <strong>bold</strong> end.</p>\n',
		);
	});
});

/** Pieces of Markdown a writer might type, including every kind of link we drop. */
const LINK_TARGETS = [
	'https://ok.example/a',
	'http://ok.example',
	'/relative',
	'x',
	'#anchor',
	'//evil.example',
	'javascript:alert(1)',
	'mailto:a@b.example',
	'data:text/html,hi',
	'<https://angle.example>',
	'https://ok.example "title"',
];
const word = fc.constantFrom(
	'one',
	'day',
	'Dave',
	'sober',
	'555-123-4567',
	'a@b.example',
	'&',
	'<3',
);
const inline = fc.letrec<{ piece: string; text: string }>((tie) => ({
	piece: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		word,
		fc
			.tuple(tie('text'), fc.constantFrom(...LINK_TARGETS))
			.map(([text, href]) => `[${text}](${href})`),
		tie('text').map((text) => `*${text}*`),
		tie('text').map((text) => `**${text}**`),
		tie('text').map((text) => `_${text}_`),
		word.map((text) => `\`${text}\``),
		fc.constantFrom('<b>', '</b>', '<a href="/x">', '</a>', '<script>', '<p>', '</p>', '<!--'),
		fc.constantFrom(
			'https://bare.example',
			'![pic](https://x.example/p.png)',
			'[ref][r]',
			'*',
			'**',
			'`',
			'[',
		),
	),
	text: fc.array(tie('piece'), { minLength: 1, maxLength: 5 }).map((pieces) => pieces.join(' ')),
})).text;
const block = fc.oneof(
	inline,
	inline.map((text) => `> ${text}`),
	inline.map((text) => `- ${text}\n- ${text}`),
	inline.map((text) => `1. ${text}\n   > ${text}`),
	inline.map((text) => `## ${text}`),
	inline.map((text) => `\`\`\`\n${text}\n\`\`\``),
	inline.map((text) => `    ${text}`),
	fc.constant('---'),
	inline.map((text) => `<div>${text}</div>`),
	fc.constant('[r]: /relative'),
);
const story = fc.array(block, { minLength: 1, maxLength: 6 }).map((blocks) => blocks.join('\n\n'));

describe('renderUserMarkdown on generated stories', () => {
	it('always emits balanced tags, with every link closed inside its block', () => {
		fc.assert(
			fc.property(story, (source) => {
				expect(markupProblems(renderUserMarkdown(source)), source).toEqual([]);
			}),
			{ numRuns: 400 },
		);
	});

	it('keeps tags balanced when identifying details are highlighted', () => {
		fc.assert(
			fc.property(story, fc.nat(), fc.nat(), (source, a, b) => {
				const start = a % (source.length + 1);
				const end = start + (b % (source.length - start + 1));
				const html = renderUserMarkdownWithHighlights(source, [{ start, end }]);
				expect(markupProblems(html), source).toEqual([]);
			}),
			{ numRuns: 200 },
		);
	});
});
