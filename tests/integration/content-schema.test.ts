import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTempFolder } from '../helpers/temp-database.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

const VALID_STORY = {
	title: '"A valid story"',
	summary: '"A summary long enough to satisfy the schema."',
	published: '2026-01-01',
	kind: 'composite',
	penName: '"Sam"',
	topics: '[alcohol, early-recovery]',
	milestone: 'first-year',
	contentWarnings: '[]',
};

/** Terminal colour codes would hide word boundaries around the field names. */
function withoutColours(text: string): string {
	// eslint-disable-next-line no-control-regex -- the escape character starts a colour code
	return text.replace(/\u001b\[[0-9;]*m/g, '');
}

const VALID_ARTICLE = {
	title: '"A valid article"',
	summary: '"A summary long enough to satisfy the schema."',
	published: '2026-01-01',
	kind: 'editorial',
	topics: '[cravings]',
	sources: '[{ title: "Naloxone DrugFacts", publisher: "NIDA", url: "https://nida.nih.gov/" }]',
	reviewed: '2026-12-02',
};

function frontmatter(fields: Record<string, string | undefined>): string {
	const lines = Object.entries(fields)
		.filter(([, value]) => value !== undefined)
		.map(([key, value]) => `${key}: ${value}`);
	return `---\n${lines.join('\n')}\n---\n\nSome text.\n`;
}

/**
 * A scratch copy of the project whose content is the one file under test; `astro sync`
 * (the content step `astro build` starts with) validates it against src/content.config.ts.
 */
async function syncWithPiece(
	collection: 'stories' | 'strategies',
	fileName: string,
	fields: Record<string, string | undefined>,
) {
	const project = createTempFolder('common-thread-content-');
	try {
		for (const linked of ['src', 'node_modules', 'public', 'db', 'scripts']) {
			symlinkSync(join(ROOT, linked), join(project, linked));
		}
		for (const copied of ['astro.config.mjs', 'package.json', 'tsconfig.json']) {
			cpSync(join(ROOT, copied), join(project, copied));
		}
		mkdirSync(join(project, 'content/stories'), { recursive: true });
		mkdirSync(join(project, 'content/strategies'), { recursive: true });
		writeFileSync(join(project, 'content', collection, fileName), frontmatter(fields));
		const astro = join(ROOT, 'node_modules/astro/bin/astro.mjs');
		return await run(process.execPath, [astro, 'sync'], {
			cwd: project,
			env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
		}).then(
			({ stdout, stderr }) => ({ ok: true, output: withoutColours(stdout + stderr) }),
			(error: { stdout: string; stderr: string }) => ({
				ok: false,
				output: withoutColours(error.stdout + error.stderr),
			}),
		);
	} finally {
		rmSync(project, { recursive: true, force: true });
	}
}

describe('curated frontmatter', () => {
	it('accepts a valid story', { timeout: 30_000 }, async () => {
		const result = await syncWithPiece('stories', 'valid-story.mdx', VALID_STORY);
		expect(result.output).not.toMatch(/does not match collection schema/);
		expect(result.ok).toBe(true);
	});

	it.each([
		['an unknown topic', { topics: '[alcohol, moonlight]' }, 'topics'],
		['an unknown content warning', { contentWarnings: '[spoilers]' }, 'contentWarnings'],
		['a summary over 200 characters', { summary: `"${'x'.repeat(201)}"` }, 'summary'],
		['no title', { title: undefined }, 'title'],
		['no pen name on a story', { penName: undefined }, 'penName'],
		['an unknown milestone', { milestone: 'forever' }, 'milestone'],
		['an editorial kind in the stories collection', { kind: 'editorial' }, 'kind'],
		['a date that is not a date', { published: 'someday' }, 'published'],
	])(
		'fails the build for %s, naming the file and the field',
		{ timeout: 30_000 },
		async (_case, change, field) => {
			const result = await syncWithPiece('stories', 'broken-story.mdx', {
				...VALID_STORY,
				...change,
			});
			expect(result.ok).toBe(false);
			expect(result.output).toContain('broken-story');
			expect(result.output).toMatch(new RegExp(`\\b${field}\\b`));
		},
	);

	it(
		'accepts an editorial article with its sources and review date',
		{ timeout: 30_000 },
		async () => {
			const result = await syncWithPiece('strategies', 'valid-article.mdx', VALID_ARTICLE);
			expect(result.output).not.toMatch(/does not match collection schema/);
			expect(result.ok).toBe(true);
		},
	);

	it.each([
		['no sources', { sources: undefined }],
		['an empty list of sources', { sources: '[]' }],
		[
			'a source without a link',
			{ sources: '[{ title: "Naloxone DrugFacts", publisher: "NIDA" }]' },
		],
	])(
		'fails the build for an editorial article with %s, naming the file and the field',
		{ timeout: 30_000 },
		async (_case, change) => {
			const result = await syncWithPiece('strategies', 'unsourced-article.mdx', {
				...VALID_ARTICLE,
				...change,
			});
			expect(result.ok).toBe(false);
			expect(result.output).toContain('unsourced-article');
			expect(result.output).toMatch(/\bsources\b/);
		},
	);
});
