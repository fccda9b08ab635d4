import MarkdownIt from 'markdown-it';

type Parser = InstanceType<typeof MarkdownIt>;
type Token = ReturnType<Parser['parse']>[number];

// Parse only, never render: raw HTML and MDX component tags are recognised (html: true) so
// that they can be dropped, and no HTML is produced here. What sat between tags is read again
// as Markdown with tags off, so that second pass cannot recurse.
const parser = new MarkdownIt({ html: true, linkify: false, typographer: false });
const innerParser = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** An MDX import/export statement runs, like a paragraph, to the next blank line. */
const MDX_ESM = /^(?:import|export)\s[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*/gm;
/** A tag of raw HTML or an MDX component: its `title` (a box's visible heading) is kept. */
// `[^<>]`: a run of `<` with nothing closing it must not be rescanned from every opening.
const TAG = /<\/?[A-Za-z][^<>]*>/g;
const TITLE_ATTRIBUTE = /\btitle=(?:"([^"]*)"|'([^']*)')/;

function tagToText(tag: string): string {
	const title = TITLE_ATTRIBUTE.exec(tag);
	return title ? ` ${title[1] ?? title[2]} ` : ' ';
}

function inlineText(children: readonly Token[]): string {
	return children
		.map((child) => {
			switch (child.type) {
				case 'text':
				case 'code_inline':
				case 'image':
					return child.content;
				case 'softbreak':
				case 'hardbreak':
					return ' ';
				case 'html_inline':
					return tagToText(child.content);
				default:
					return '';
			}
		})
		.join('');
}

function blockText(token: Token): string {
	switch (token.type) {
		case 'inline':
			return inlineText(token.children ?? []);
		case 'html_block':
			return wordsOf(innerParser, token.content.replace(TAG, tagToText));
		case 'fence':
		case 'code_block':
			return token.content;
		default:
			return '';
	}
}

function wordsOf(markdownParser: Parser, source: string): string {
	return markdownParser
		.parse(source, {})
		.map(blockText)
		.filter((text) => text !== '')
		.join(' ');
}

/**
 * The words of Markdown or MDX as a reader sees them, as one line of plain text: headings,
 * list items and paragraphs keep their words and lose their markup; link targets, import and
 * export statements and tags are dropped (a component's `title` is kept); no space is left
 * before punctuation; private-use characters (used as highlight markers) are removed.
 */
export function markdownToPlainText(markdown: string): string {
	return wordsOf(parser, markdown.replace(MDX_ESM, ''))
		.replace(/[\uE000-\uF8FF]/g, '')
		.replace(/\s+/g, ' ')
		.replace(/ ([,.;:!?)\]}…])/g, '$1')
		.trim();
}

/** How much more Markdown than the excerpt's length is read: markup and link targets drop out. */
const EXCERPT_SOURCE_FACTOR = 8;

/**
 * The opening words of Markdown or MDX as plain text, at most `maxLength` characters, cut at
 * a word with `…` when there is more. Summaries in lists, queue cards and feeds all use it.
 * Only the start of a long text is read.
 */
export function plainTextExcerpt(markdown: string, maxLength: number): string {
	const source = markdown.slice(0, maxLength * EXCERPT_SOURCE_FACTOR);
	const plain = markdownToPlainText(source);
	if (plain.length <= maxLength && source.length === markdown.length) return plain;
	if (plain.length <= maxLength) return `${plain}…`;
	const cut = plain.slice(0, maxLength - 1);
	const atWord = cut.replace(/\s+\S*$/, '');
	return `${atWord === '' ? cut : atWord}…`;
}
