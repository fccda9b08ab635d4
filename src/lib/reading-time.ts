import { markdownToPlainText } from './plain-text.ts';

/** Silent-reading speed for general prose, in words per minute. */
export const WORDS_PER_MINUTE = 220;

/** Counts the words a reader will read in Markdown or MDX: import lines, tags and markup are skipped. */
export function countWords(markdown: string): number {
	return markdownToPlainText(markdown)
		.split(/\s+/)
		.filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** Whole minutes to read `markdown`, never less than one. */
export function readingMinutes(markdown: string): number {
	return Math.max(1, Math.round(countWords(markdown) / WORDS_PER_MINUTE));
}
