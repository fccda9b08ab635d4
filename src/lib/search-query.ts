/**
 * Words that say nothing about what a reader looks for. Left in, they match nearly every
 * story (and as a last-word prefix, "the" also finds "then", "there", "they"), and ranking
 * every match is what makes a search slow on a large library. A query of nothing but these
 * ("what was it") is kept whole.
 */
const STOP_WORDS = new Set(
	(
		'a an and are as at be but by for from had has have he her his i if in into is it its me ' +
		'my no not of on or our she so than that the their them then there these they this to ' +
		'was we were what when which who will with you your'
	).split(' '),
);

/** What a reader typed, reduced to the words a search looks for. */
export interface SearchTerms {
	/** Lower case, letters and digits only: no character of any engine's query syntax. */
	words: string[];
	/** The last word also matches as a prefix ("relap" finds "relapse"). */
	lastIsPrefix: boolean;
}

/**
 * The words of what a reader typed, the same for every engine: at most 12, stop words
 * dropped when other words remain, the last a prefix when it has 3 letters or more.
 * `null` when nothing searchable is left.
 */
export function toSearchTerms(input: string): SearchTerms | null {
	const typed = (input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
	if (typed.length === 0) return null;
	const meaningful = typed.filter((word) => !STOP_WORDS.has(word));
	const words = meaningful.length > 0 ? meaningful : typed;
	return { words, lastIsPrefix: words.at(-1)!.length >= 3 };
}

/**
 * Turns what a reader typed into a safe FTS5 query: the words only, each quoted, so no
 * FTS syntax (quotes, AND/OR/NEAR, *, ^, parentheses, column filters) ever reaches SQLite.
 * Every word must match; stop words are dropped when other words remain; the last word
 * also matches as a prefix ("relap" finds "relapse"). `null` when nothing searchable is left.
 */
export function toFtsQuery(input: string): string | null {
	const terms = toSearchTerms(input);
	if (!terms) return null;
	const { words, lastIsPrefix } = terms;
	return words
		.map((word, index) => `"${word}"${index === words.length - 1 && lastIsPrefix ? '*' : ''}`)
		.join(' ');
}

/**
 * The same FTS5 query with its last word matched whole, not as a prefix: `"urge" "surf"*`
 * becomes `"urge" "surf"`. FTS5 answers a prefix by merging the lists of every word it
 * starts, all of them, before the first match; a whole word it reads only as far as needed.
 */
export function withoutPrefix(ftsQuery: string): string {
	return ftsQuery.endsWith('*') ? ftsQuery.slice(0, -1) : ftsQuery;
}

const MARK_START = '\uE000';
const MARK_END = '\uE001';
export const SNIPPET_MARKERS = { start: MARK_START, end: MARK_END } as const;

/** Escapes a snippet from the index for HTML, then turns its match markers into `<mark>`. */
export function snippetToHtml(snippet: string): string {
	return snippet
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replaceAll(MARK_START, '<mark>')
		.replaceAll(MARK_END, '</mark>');
}
