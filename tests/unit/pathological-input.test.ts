import { afterAll, describe, expect, it } from 'vitest';
import { findIdentifyingDetails } from '../../src/lib/identifying-details.ts';
import { renderUserMarkdown, renderUserMarkdownWithHighlights } from '../../src/lib/markdown.ts';
import { findNearDuplicate, shingles, similarity } from '../../src/lib/near-duplicates.ts';
import { markdownToPlainText } from '../../src/lib/plain-text.ts';
import { countWords, readingMinutes } from '../../src/lib/reading-time.ts';
import { checkSafeMessaging } from '../../src/lib/safe-messaging.ts';
import { snippetToHtml, toFtsQuery } from '../../src/lib/search-query.ts';
import { BODY_LENGTH } from '../../src/lib/story-draft.ts';
import { groupFindings, previewStory } from '../../src/lib/story-preview.ts';

/**
 * Hostile text, each as long as a story may be: anything a visitor can send must be analysed
 * in linear time, or one request holds the whole (single-threaded) server. A quiet machine
 * does each analysis in under 50 ms (the measured worst case per analysis is printed). The
 * test machine is shared (at a load of 20 on 2 cores, linear work on these inputs took over
 * a second), so an analysis slower than GROWTH_CHECK_FROM_MS is judged by its growth: at
 * full length it may cost at most GROWTH_LIMIT times the same input at an eighth of it
 * (linear work costs 8 times, up to 12 with garbage collection; quadratic work 64 times).
 * Faster ones cannot stall anything, and their ratios are mostly noise. A backstop holds
 * whatever the load: a link followed by 20,000 `)` took 4 s quiet, 53 s under load.
 */
const GROWTH_LIMIT = 24;
const GROWTH_CHECK_FROM_MS = 200;
const BACKSTOP_MS = 5_000;
const LENGTH = BODY_LENGTH.max;

/** `unit` repeated to `length` characters (or just under, never cutting a unit). */
function runOf(unit: string, prefix = ''): (length: number) => string {
	return (length) => prefix + unit.repeat(Math.floor((length - prefix.length) / unit.length));
}

const PATHOLOGICAL_INPUTS: Record<string, (length: number) => string> = {
	'a www link followed by closing brackets': runOf(')', 'www.x.com/'),
	'a scheme link followed by closing square brackets': runOf(']', 'https://x.com/'),
	'a bare domain followed by brackets and full stops': runOf(').', 'sober.org/'),
	'a link that opens every bracket it closes': runOf('()', 'https://x.com/'),
	'opening brackets': runOf('('),
	'closing brackets': runOf(')'),
	'square brackets': runOf('['),
	asterisks: runOf('*'),
	'asterisks around words': runOf('*a '),
	underscores: runOf('_'),
	'underscores around words': runOf('_a_ '),
	backticks: runOf('`'),
	'backticks between words': runOf('`a'),
	'quote markers': runOf('>'),
	'less-than signs': runOf('<'),
	'unclosed tags': runOf('<a '),
	'unclosed link texts': runOf('[a'),
	'links with empty targets': runOf('[a]('),
	'markdown links': runOf('[a](https://x.com/a) '),
	'links without a closing bracket': runOf('[x](https://x.com/'),
	'nested emphasis': (length) => `${'*_'.repeat(length / 4 - 1)}a${'_*'.repeat(length / 4 - 1)}`,
	'a 20,000-character word': runOf('a'),
	'a 20,000-character capitalised word': runOf('a', 'A'),
	digits: runOf('5'),
	'digits and dashes': runOf('5-'),
	'digits in brackets': runOf('(5) '),
	'at signs': runOf('@'),
	'dotted words': runOf('a.'),
	'email-like runs': runOf('a@a.'),
	'name introductions': runOf('my name is Dave '),
	'relations and capitalised words': runOf('my sponsor Dave Smith '),
	'street-like runs': runOf('12 Main '),
	'dose-like runs': runOf('5 pills '),
	'deeply nested lists': (length) =>
		Array.from({ length: 400 }, (_, depth) => `${'  '.repeat(depth)}- a`)
			.join('\n')
			.slice(0, length),
	'deeply nested quotes': (length) => `${'> '.repeat(length / 2 - 1)}a`,
	'nested list markers on one line': runOf('- '),
	'mixed scripts, right-to-left and zero-width': runOf('שלום مرحبا\u200f\u200b\u200dПривет 你好 '),
	'emoji with joiners': runOf('👩‍👩‍👧‍👦🏳️‍🌈 '),
	'many lines': runOf('\n'),
	'many short lines': runOf('a\n'),
	'many paragraphs': runOf('a\n\n'),
	'many headings': runOf('# a\n'),
	'horizontal rules': runOf('---\n'),
	'table-like pipes': runOf('|'),
	'highlight markers': runOf('\uE000\uE001'),
};

type Analysis = (text: string) => unknown;

const ordinaryStory = runOf('I went to a meeting today and listened to everyone. ')(LENGTH);
const ordinaryShingles = shingles(ordinaryStory);

const ANALYSES: Record<string, Analysis> = {
	'identifying details': (text) => findIdentifyingDetails(text),
	'safe-messaging check': (text) => checkSafeMessaging(text),
	'Markdown render': (text) => renderUserMarkdown(text),
	'Markdown render with highlights': (text) =>
		renderUserMarkdownWithHighlights(text, findIdentifyingDetails(text)),
	'the whole preview': (text) =>
		previewStory({
			title: text.slice(0, 120),
			body: text,
			penName: text.slice(0, 40),
			topics: [],
			contentWarnings: [],
		}),
	'grouped findings': (text) => groupFindings(findIdentifyingDetails(text)),
	'plain text': (text) => markdownToPlainText(text),
	'reading time': (text) => [countWords(text), readingMinutes(text)],
	'near-duplicates': (text) =>
		findNearDuplicate({ id: 'new', shingles: shingles(text) }, [
			{ id: 'old', shingles: ordinaryShingles },
			{ id: 'same', shingles: shingles(text) },
		]) ?? similarity(shingles(text), ordinaryShingles),
	'search query parsing': (text) => toFtsQuery(text),
	'search snippet escaping': (text) => snippetToHtml(text),
};

/** Worst time per analysis, printed after the suite. */
const worst = new Map<string, { milliseconds: number; input: string }>();

function timed(analysis: Analysis, text: string): number {
	const started = performance.now();
	analysis(text);
	return performance.now() - started;
}

afterAll(() => {
	const lines = [...worst].map(
		([analysis, { milliseconds, input }]) =>
			`  ${analysis.padEnd(34)} ${milliseconds.toFixed(1).padStart(7)} ms  (${input})`,
	);
	console.log(
		`Slowest pathological input per analysis (${LENGTH} characters):\n${lines.join('\n')}`,
	);
});

/** The best of three after a warm-up: another process taking the core only ever adds time. */
function bestTime(analysis: Analysis, text: string): number {
	analysis(text);
	return Math.min(...[1, 2, 3].map(() => timed(analysis, text)));
}

describe.each(Object.entries(ANALYSES))('%s', (analysisName, analysis) => {
	it.each(Object.entries(PATHOLOGICAL_INPUTS))(
		'takes linear time on %s',
		{ timeout: 120_000 },
		(inputName, inputOf) => {
			const text = inputOf(LENGTH);
			expect(text.length).toBeLessThanOrEqual(LENGTH);
			expect(text.length).toBeGreaterThan(LENGTH * 0.9);
			const milliseconds = bestTime(analysis, text);
			const previous = worst.get(analysisName);
			if (!previous || milliseconds > previous.milliseconds)
				worst.set(analysisName, { milliseconds, input: inputName });
			expect(milliseconds).toBeLessThan(BACKSTOP_MS);
			if (milliseconds < GROWTH_CHECK_FROM_MS) return;
			const eighthMilliseconds = bestTime(analysis, inputOf(LENGTH / 8));
			expect(milliseconds / Math.max(eighthMilliseconds, 1)).toBeLessThan(GROWTH_LIMIT);
		},
	);
});

describe('links next to brackets', () => {
	it('still drops the brackets a link did not open, however many follow it', () => {
		const text = `see www.x.com/${')'.repeat(5000)}`;
		expect(findIdentifyingDetails(text)).toEqual([
			expect.objectContaining({ kind: 'url', text: 'www.x.com/' }),
		]);
	});

	it('keeps the brackets a link opened and drops the ones around it', () => {
		const text = '(see https://en.wikipedia.org/wiki/Sobriety_(film)).';
		expect(findIdentifyingDetails(text)).toEqual([
			expect.objectContaining({
				kind: 'url',
				text: 'https://en.wikipedia.org/wiki/Sobriety_(film)',
			}),
		]);
	});
});
