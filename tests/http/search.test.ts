import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_RESULT_CAP } from '../../src/lib/server/search.ts';
import { indexForSearch, removeFromSearch } from '../../src/lib/server/search-index.ts';
import { fetchDocument, textOf } from '../helpers/html.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { shareAndPublish } from '../helpers/share.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const pieces = publishedSourcePieces();
const store = openSharedServerStore();
afterAll(() => store.close());

/** Inputs that would break a naive FTS5 query, or the page around it. */
const HOSTILE_QUERIES = [
	'"',
	'""',
	'"unbalanced',
	"'",
	"' OR 1=1 --",
	'a AND',
	'AND',
	'OR OR OR',
	'NOT',
	'NEAR(',
	'NEAR(a b, 2)',
	'a NEAR b',
	'*',
	'craving*',
	'*craving',
	'^',
	'^start',
	'(',
	')',
	'((a)',
	'a)(b',
	'{',
	'}',
	'[',
	']',
	'title:craving',
	'body:*',
	'-',
	'+',
	'a - b',
	'\\',
	'%',
	'_',
	';',
	'; DROP TABLE submissions;',
	'<script>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'&amp;',
	'\u0000',
	'\uE000mark\uE001',
	'x'.repeat(2048),
	'craving '.repeat(300),
	'😀',
	'🧵 thread',
	'ﬁ',
	'İstanbul',
	'ß',
	'💥'.repeat(100),
];

describe('GET /search', () => {
	it('is tested with at least 30 hostile inputs', () => {
		expect(HOSTILE_QUERIES.length).toBeGreaterThanOrEqual(30);
	});

	it.each(HOSTILE_QUERIES.map((query) => [query.slice(0, 40), query]))(
		'answers %j without an error, as text',
		async (_label, query) => {
			const { response, document } = await fetchDocument(`/search?q=${encodeURIComponent(query)}`);
			expect(response.status).toBe(200);
			expect(document.querySelectorAll('script')).toHaveLength(1);
			expect(document.querySelectorAll('main img, main [onerror]')).toHaveLength(0);
		},
	);

	it('finds a curated piece by a word of its title, with a marked snippet', async () => {
		const target = pieces.find(({ title }) => /craving/i.test(title))!;
		const { document } = await fetchDocument('/search?q=craving');
		const links = document
			.querySelectorAll('.search-results h2 a')
			.map((link) => link.getAttribute('href'));
		expect(links[0]).toBe(target.path);
		expect(document.querySelector('.search-results mark')).not.toBeNull();
	});

	it('narrows by kind and topic', async () => {
		const { document } = await fetchDocument('/search?q=recovery&kind=editorial&topic=work');
		const links = document
			.querySelectorAll('.search-results h2 a')
			.map((link) => link.getAttribute('href')!);
		expect(links.length).toBeGreaterThan(0);
		for (const link of links) {
			const piece = pieces.find(({ path }) => path === link)!;
			expect(piece.kind).toBe('editorial');
			expect(piece.topics).toContain('work');
		}
	});

	it('shows snippets as text: no Markdown or MDX left, no space before punctuation', async () => {
		const snippets = [];
		for (const query of ['buprenorphine', 'meeting', 'craving']) {
			const { document } = await fetchDocument(`/search?q=${query}`);
			snippets.push(
				...document.querySelectorAll('.search-snippet').map((snippet) => textOf(snippet)),
			);
		}
		expect(snippets.length).toBeGreaterThan(5);
		for (const snippet of snippets) {
			expect(snippet).not.toMatch(/ [,.;:!?]|\*\*|(^|\s)[-*#>] |<\/?[A-Z]|\bimport\b.*\bfrom\b/);
		}
	});

	it("shows a community story's snippet as text", async () => {
		await shareAndPublish(store, {
			title: 'Snippets that read as text',
			body: '## Week one\n\nWhat helped most:\n\n- **Zephyrwalks**, every morning , before work.\n- Calling my sister.\n\nThat was enough to get through the first week without drinking. '.concat(
				'The second week was quieter, and I started to notice the mornings again. '.repeat(3),
			),
		});
		const { document } = await fetchDocument('/search?q=zephyrwalks');
		expect(textOf(document.querySelector('.search-snippet'))).toMatch(
			/What helped most: Zephyrwalks, every morning, before work\. Calling my sister/,
		);
	});

	it('helps when nothing matches', async () => {
		const { response, document } = await fetchDocument('/search?q=zzzqqqxxx');
		expect(response.status).toBe(200);
		expect(textOf(document.querySelector('main'))).toMatch(/Nothing matched/);
		expect(document.querySelector('main a[href="/topics"]')).not.toBeNull();
	});

	it('answers 404 for an unknown filter or a page past the end', async () => {
		expect((await fetchDocument('/search?q=craving&kind=poems')).response.status).toBe(404);
		expect((await fetchDocument('/search?q=craving&page=99')).response.status).toBe(404);
	});

	it('sits in the header of every page', async () => {
		const { document } = await fetchDocument('/about');
		expect(document.querySelector('header form[action="/search"] input[name="q"]')).not.toBeNull();
	});
});

describe('GET /search with more matches than it ranks', () => {
	const word = 'quillwort';
	const paths = Array.from(
		{ length: SEARCH_RESULT_CAP + 1 },
		(_, index) => `/stories/cap-${index}`,
	);

	beforeAll(async () => {
		// Index rows only (no stories behind them), enough to pass the cap, with a word no
		// other test searches for; taken out again afterwards.
		await store.transact(async (scope) => {
			for (const [index, path] of paths.entries())
				await indexForSearch(scope, {
					path,
					kind: 'community',
					topics: ['family'],
					title: `${word} ${index}`,
					summary: '',
					body: `A ${word} by the pond.`,
					publishedAt: new Date(Date.UTC(2024, 0, 1) + index * 1000),
				});
		});
	});
	afterAll(async () => {
		await store.transact(async (scope) => {
			for (const path of paths) await removeFromSearch(scope, path);
		});
	});

	it('says "more than 1,000" and pages stop at the cap', async () => {
		const { response, document } = await fetchDocument(`/search?q=${word}`);
		expect(response.status).toBe(200);
		expect(textOf(document.querySelector('main [role="status"]'))).toMatch(
			/^More than 1,000 pieces match “quillwort”/,
		);
		expect(document.querySelectorAll('.search-results li')).toHaveLength(10);
		expect(textOf(document.querySelector('.pagination'))).toMatch(/Page 1 of 100/);
		expect((await fetchDocument(`/search?q=${word}&page=100`)).response.status).toBe(200);
		expect((await fetchDocument(`/search?q=${word}&page=101`)).response.status).toBe(404);
	});
});
