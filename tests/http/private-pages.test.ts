import { describe, expect, inject, it } from 'vitest';
import { postForm } from '../helpers/http.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { rawRequest } from '../helpers/raw-http.ts';

const baseUrl = inject('baseUrl');

/**
 * Ways of writing a path that a URL parser may take to a private page while the raw text
 * looks like something else (a library page, another case, an encoded separator).
 */
function trickyPathsTo(page: string): string[] {
	const segments = page.slice(1);
	return [
		`/stories/x\\..\\..\\${segments.replaceAll('/', '\\')}`,
		`/stories\\..${page}`,
		`/stories/x%5C..%5C..%5C${segments.replaceAll('/', '%5C')}`,
		`/stories/x%5c..%5c..%5c${segments.replaceAll('/', '%5c')}`,
		`/stories%2F..%2F${segments.replaceAll('/', '%2F')}`,
		`/stories/..%2f${segments}`,
		`/${page}`,
		`//${segments}/`,
		`/.${page}`,
		`/stories/./..${page}`,
		`/stories/..${page}`,
		`/stories/%2e%2e${page}`,
		`/stories/%2E%2E${page}`,
		page.toUpperCase(),
		page.replace(/\/(\w)/g, (_, first: string) => `/${first.toUpperCase()}`),
		`${page}/`,
		`${page}?x`,
		`${page}/?x=1`,
		`${page}?page=2`,
	];
}

describe.each(['/share', '/my-story', '/moderate', '/moderate/login'])(
	'requests Astro may route to %s',
	(page) => {
		it.each(trickyPathsTo(page))(
			'%s is never public and never enters the page cache',
			async (path) => {
				const first = await rawRequest(baseUrl, 'GET', path);
				const second = await rawRequest(baseUrl, 'GET', path);
				for (const answer of [first, second]) {
					expect(answer.status).toBeGreaterThan(0);
					expect(answer.headers['cache-control'] ?? '').not.toMatch(/public|s-maxage/);
					if (answer.status < 300) expect(answer.headers['cache-control']).toBe('no-store');
				}
				expect(second.headers['x-page-cache']).not.toBe('hit');
			},
		);
	},
);

describe('paths with backslashes or encoded separators', () => {
	it.each(['/stories/x\\..\\..\\share', '/stories%5Cx', '/stories%2Fx', '/topics/a%2fb'])(
		'%s is refused with a plain 400',
		async (path) => {
			const answer = await rawRequest(baseUrl, 'GET', path);
			expect(answer.status).toBe(400);
			expect(answer.headers['cache-control']).toBe('no-store');
		},
	);
});

describe('reaction answers', () => {
	it('are never kept by a cache, though they come from a library path', async () => {
		const curated = publishedSourcePieces().find((piece) => piece.path.startsWith('/stories/'))!;
		const slug = curated.path.split('/').pop()!;
		const response = await postForm(`/stories/${slug}?_action=reactToStory`, {
			slug,
			reaction: 'helped',
		});
		expect(response.status).toBeLessThan(400);
		expect(response.headers.get('cache-control')).toBe('no-store');
	});
});
