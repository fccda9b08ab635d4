/**
 * Turns what a reader typed into a safe FTS5 query: the words only, each quoted, so no
 * FTS syntax (quotes, AND/OR/NEAR, *, ^, parentheses, column filters) ever reaches SQLite.
 * The last word also matches as a prefix ("relap" finds "relapse"). `null` when nothing
 * searchable is left.
 */
export function toFtsQuery(input: string): string | null {
	const words = (input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
	if (words.length === 0) return null;
	return words
		.map((word, index) => `"${word}"${index === words.length - 1 && word.length >= 3 ? '*' : ''}`)
		.join(' ');
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
