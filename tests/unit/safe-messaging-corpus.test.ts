import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSafeMessaging } from '../../src/lib/safe-messaging.ts';
import type { ContentWarningSlug } from '../../src/lib/taxonomy.ts';
import { SAFE_MESSAGING_CORPUS, type LabelledSentence } from '../fixtures/safe-messaging-corpus.ts';

const CONTENT = resolve(import.meta.dirname, '../../content');

/** Every .mdx file under content/, read now, so pieces added later are covered too. */
function curatedFiles(folder = CONTENT): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? curatedFiles(join(folder, entry.name))
			: entry.name.endsWith('.mdx')
				? [join(folder, entry.name)]
				: [],
	);
}

/**
 * The prose of a curated piece as readers see it, one sentence per item: frontmatter strings
 * (title, summary, sources), and the body without imports, component tags and Markdown marks.
 */
function curatedSentences(file: string): string[] {
	const source = readFileSync(file, 'utf8');
	const [, frontmatter = '', body = source] =
		/^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
	const frontmatterText = frontmatter
		.split('\n')
		.map((line) => line.replace(/^\s*(?:-\s*)?[\w-]+:\s*/, '').replace(/^['"]|['"]$/g, ''));
	const bodyText = body
		.replace(/^import .*$/gm, '')
		.replace(/<\/?[A-Z][^>]*>/g, '\n')
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/[#>*_`|]+/g, ' ');
	return [...frontmatterText, ...bodyText.split(/\n\s*\n|(?<=[.!?])\s+/)]
		.map((sentence) => sentence.replace(/\s+/g, ' ').trim())
		.filter((sentence) => /\p{L}{2}/u.test(sentence));
}

const flagged = (text: string) => checkSafeMessaging(text).flags.length > 0;

describe('the safe-messaging check on a labelled corpus', () => {
	const library: LabelledSentence[] = curatedFiles().flatMap((file) =>
		curatedSentences(file).map((text) => ({
			text,
			risky: false,
			label: `curated: ${file.slice(CONTENT.length + 1)}`,
		})),
	);
	const corpus = [...SAFE_MESSAGING_CORPUS, ...library];

	it('holds at least 200 written sentences, risky and benign, plus the curated library', () => {
		expect(SAFE_MESSAGING_CORPUS.length).toBeGreaterThanOrEqual(200);
		expect(SAFE_MESSAGING_CORPUS.filter((sentence) => sentence.risky).length).toBeGreaterThan(80);
		expect(SAFE_MESSAGING_CORPUS.filter((sentence) => !sentence.risky).length).toBeGreaterThan(80);
		expect(library.length).toBeGreaterThan(500);
	});

	it('flags mostly risky sentences (precision ≥ 0.9) and finds most of them (recall ≥ 0.9)', () => {
		const truePositives = corpus.filter((sentence) => sentence.risky && flagged(sentence.text));
		const falsePositives = corpus.filter((sentence) => !sentence.risky && flagged(sentence.text));
		const missed = corpus.filter((sentence) => sentence.risky && !flagged(sentence.text));
		const precision = truePositives.length / (truePositives.length + falsePositives.length);
		const recall = truePositives.length / (truePositives.length + missed.length);
		console.log(
			`safe-messaging corpus: ${corpus.length} sentences (${SAFE_MESSAGING_CORPUS.length} written, ` +
				`${library.length} curated), ${truePositives.length + missed.length} risky; ` +
				`precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
		);
		for (const { label, text } of [...falsePositives, ...missed])
			console.log(`  ${flagged(text) ? 'false alarm' : 'missed'} (${label}): ${text}`);
		expect(precision).toBeGreaterThanOrEqual(0.9);
		expect(recall).toBeGreaterThanOrEqual(0.9);
	});

	it('flags nothing in the curated library', () => {
		const flags = library.flatMap(({ label, text }) =>
			checkSafeMessaging(text).flags.map((flag) => `${label}: “${flag.text}” in “${text}”`),
		);
		expect(flags).toEqual([]);
	});
});

describe('warnings suggested for everyday words', () => {
	it.each<[string, ContentWarningSlug, boolean]>([
		['She was cutting him off in the middle of every sentence.', 'self-harm', false],
		['I kept cutting people off in traffic.', 'self-harm', false],
		['Cutting me out of the will was his last word.', 'self-harm', false],
		['I started cutting in high school.', 'self-harm', true],
		['I was cutting my arms again.', 'self-harm', true],
		['I burned myself when the cravings got loud.', 'self-harm', true],
		['I had to stop fighting the idea that I was an alcoholic.', 'violence', false],
		['We stopped fighting about money once I was sober.', 'violence', false],
		['When I quit fighting everything, things got easier.', 'violence', false],
		['He got into a fight with a stranger outside the bar.', 'violence', true],
		['They were fighting in the kitchen when the police came.', 'violence', true],
		['He hit me when he drank.', 'violence', true],
	])('for %j suggests %s: %s', (text, warning, expected) => {
		expect(checkSafeMessaging(text).suggestedWarnings.includes(warning)).toBe(expected);
	});
});
