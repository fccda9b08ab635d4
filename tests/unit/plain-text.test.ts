import { describe, expect, it } from 'vitest';
import { markdownToPlainText } from '../../src/lib/plain-text.ts';

describe('markdownToPlainText', () => {
	it('reads a bold term in a list item as text, with no space before the comma', () => {
		const source =
			'**For opioid use disorder**, the main medications are:\n\n- **Buprenorphine**, which eases cravings.';
		expect(markdownToPlainText(source)).toBe(
			'For opioid use disorder, the main medications are: Buprenorphine, which eases cravings.',
		);
	});

	it('drops MDX imports and component tags but keeps the words inside and a box title', () => {
		const source = [
			"import KeyTakeaways from '../../src/components/mdx/KeyTakeaways.astro';",
			"import {\n\tCallout,\n} from '../../src/components/mdx/Callout.astro';",
			'',
			'Opening line.',
			'',
			'<KeyTakeaways>',
			'',
			'- First *point*.',
			'- Second point.',
			'',
			'</KeyTakeaways>',
			'',
			'<Callout type="support" title="Finding meetings">',
			'Ask **anyone** there.',
			'</Callout>',
		].join('\n');
		expect(markdownToPlainText(source)).toBe(
			'Opening line. First point. Second point. Finding meetings Ask anyone there.',
		);
	});

	it.each([
		['a heading', '## What to expect\n\nPeople talk.', 'What to expect People talk.'],
		[
			'a link, keeping its words',
			'See [the guide](https://example.org/x) first.',
			'See the guide first.',
		],
		['a numbered list', '1. Breathe.\n2. Wait.', 'Breathe. Wait.'],
		['a quotation', '> One day at a time.', 'One day at a time.'],
		['inline code and entities', 'Type `help` &amp; wait.', 'Type help & wait.'],
		['a line break inside a paragraph', 'first line\nsecond line', 'first line second line'],
		['a space left before punctuation', 'I said no , and left .', 'I said no, and left.'],
	])('turns %s into plain words', (_name, source, expected) => {
		expect(markdownToPlainText(source)).toBe(expected);
	});

	it('removes private-use highlight markers', () => {
		expect(markdownToPlainText('a\uE000b\uE001c')).toBe('abc');
	});

	it('leaves no Markdown characters from community text', () => {
		const text = markdownToPlainText('# Title\n\n* one\n* two\n\n___\n\n**bold** _em_ ~~gone~~');
		expect(text).not.toMatch(/[#*_>`[\]]/);
	});
});
