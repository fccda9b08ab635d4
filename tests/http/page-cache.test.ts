import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { and, count, eq, gt, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareListed } from '../../src/lib/list-merge.ts';
import { get, postForm, siteUrl } from '../helpers/http.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { rawGet } from '../helpers/raw-http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { RELAXED_LIMITS } from '../helpers/server-setup.ts';
import { shareAndPublish } from '../helpers/share.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

const curatedStory = publishedSourcePieces().find((piece) =>
	piece.path.startsWith('/stories/'),
)!.path;

describe('public pages', () => {
	it('come back from the page cache with an ETag, and as 304 when the browser has them', async () => {
		await get('/stories');
		const repeat = await rawGet(siteUrl('/stories'));
		expect(repeat.headers['x-page-cache']).toBe('hit');
		const etag = repeat.headers.etag as string;
		expect(etag).toMatch(/^W\/".+"$/);

		const revalidated = await rawGet(siteUrl('/stories'), { 'if-none-match': etag });
		expect(revalidated.status).toBe(304);
		expect(revalidated.body.byteLength).toBe(0);
		expect(revalidated.headers.etag).toBe(etag);
	});

	it.each(['/', '/stories', curatedStory, '/strategies', '/about', '/rss.xml'])(
		'%s is sent compressed (br or gzip) to browsers that accept it, and whole to others',
		async (path) => {
			const plain = await rawGet(siteUrl(path));
			expect(plain.headers['content-encoding']).toBeUndefined();
			const brotli = await rawGet(siteUrl(path), { 'accept-encoding': 'gzip, deflate, br' });
			expect(brotli.headers['content-encoding']).toBe('br');
			expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
			expect(brotli.body.byteLength).toBeLessThan(plain.body.byteLength / 2);
			const gzip = await rawGet(siteUrl(path), { 'accept-encoding': 'gzip' });
			expect(gzip.headers['content-encoding']).toBe('gzip');
			expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
			expect(gzip.headers.vary).toBe('Accept-Encoding');
		},
	);

	it('compresses pages that are never cached too', async () => {
		const share = await rawGet(siteUrl('/share'), { 'accept-encoding': 'gzip' });
		expect(share.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(share.body).toString()).toContain('<form');
		expect(share.headers['x-page-cache']).toBeUndefined();
	});

	it.each([
		'/',
		'/stories',
		curatedStory,
		'/topics',
		'/strategies',
		'/about',
		'/rss.xml',
		'/sitemap.xml',
	])('%s may be held by a CDN for seconds, and is revalidated by browsers', async (path) => {
		const cacheControl = (await get(path)).headers.get('cache-control')!;
		expect(cacheControl).toMatch(/\bpublic\b/);
		expect(cacheControl).toMatch(/\bmax-age=0\b/);
		expect(Number(/s-maxage=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThan(0);
		expect(Number(/s-maxage=(\d+)/.exec(cacheControl)?.[1])).toBeLessThanOrEqual(60);
		expect(cacheControl).toMatch(/stale-while-revalidate=\d+/);
	});

	it.each(['/share', '/my-story', '/moderate/login', '/moderate'])(
		'%s is never stored',
		async (path) => {
			const response = await get(path);
			expect(response.headers.get('cache-control')).toBe('no-store');
			expect(response.headers.get('x-page-cache')).toBeNull();
		},
	);

	it('ignores query parameters no page reads, instead of caching a copy for each', async () => {
		await get('/stories?utm=1');
		expect((await get('/stories?utm=1')).headers.get('x-page-cache')).toBeNull();
		await get('/stories?page=1');
		expect((await get('/stories?page=1')).headers.get('x-page-cache')).toBe('hit');
	});
});

describe('search results', () => {
	it('come from a cache too, until the library changes', async () => {
		const word = `quillwort${Math.random().toString(36).slice(2, 8)}`;
		const path = `/search?q=${word}`;
		await get(path);
		const repeat = await get(path);
		expect(repeat.headers.get('x-page-cache')).toBe('hit');
		expect(await repeat.text()).not.toContain('/stories/shared-');
		const { row } = await shareAndPublish(store, {
			body: `The ${word} grew by the pond where I walked every evening that first month. ${'Slowly things got easier. '.repeat(16)}`,
		});
		expect(await (await get(path)).text()).toContain(`/stories/${row.slug}`);
	});

	it('are not cached for parameters the page does not read, nor for encoded paths', async () => {
		await get('/search?q=hope&utm=x');
		expect((await get('/search?q=hope&utm=x')).headers.get('x-page-cache')).toBeNull();
		await get('/stor%69es');
		expect((await get('/stor%69es')).headers.get('x-page-cache')).toBeNull();
	});
});

/** The home page lists the four newest stories (newest first, then by slug). */
const HOME_LATEST = 4;

/**
 * Whether the home page lists `story`: one published in a busy second can be outranked by
 * four others published in that second (as the tests before it publish, fast).
 */
async function onTheHomePage(story: {
	publishedAt: Date | null;
	slug: string | null;
}): Promise<boolean> {
	const second = new Date(Math.floor(story.publishedAt!.getTime() / 1000) * 1000);
	const [row] = await store.read(({ query, tables: { communityListings: listings } }) =>
		query
			.select({ ahead: count() })
			.from(listings)
			.where(
				or(
					gt(listings.publishedAt, second),
					and(eq(listings.publishedAt, second), gt(listings.slug, story.slug!)),
				),
			),
	);
	return row!.ahead < HOME_LATEST;
}

/** Every public page a published story shows up on. */
const listingPages = async (topic: string, story: Parameters<typeof onTheHomePage>[0]) => [
	...((await onTheHomePage(story)) ? ['/'] : []),
	'/stories',
	'/stories?kind=community',
	`/topics/${topic}`,
	'/rss.xml',
	'/sitemap-1.xml',
];

/**
 * Two stories on one topic, told apart by list order (newest first, then by slug): published
 * in the same second, the one published second can be listed first.
 */
async function publishTwoOnOneTopic(topic: string) {
	const first = await shareAndPublish(store, { topics: [topic] });
	const second = await shareAndPublish(store, { topics: [topic] });
	const listing = (story: typeof first) => ({
		published: story.row.publishedAt!,
		slug: story.row.slug!,
	});
	const secondListedFirst = compareListed(listing(second), listing(first)) < 0;
	return secondListedFirst ? { newer: second, older: first } : { newer: first, older: second };
}

describe('a withdrawn story', () => {
	it('vanishes from every cached page at once, and its address answers 410', async () => {
		const { older, newer } = await publishTwoOnOneTopic('gambling');
		const story = `/stories/${older.row.slug}`;
		const receiptCode = older.receiptCode;
		// The newer story offers the older one as related reading.
		const showingIt = [
			...(await listingPages('gambling', older.row)),
			`/stories/${newer.row.slug}`,
		];
		for (const path of [...showingIt, story]) {
			await get(path);
			const cached = await get(path);
			expect(cached.headers.get('x-page-cache'), path).toBe('hit');
			expect(await cached.text(), path).toContain(story);
		}
		const withdrawn = await postForm('/my-story?_action=withdrawMyStory', {
			code: receiptCode,
			intent: 'withdraw',
		});
		expect(withdrawn.status).toBe(200);
		for (const path of showingIt) {
			expect(await (await get(path)).text(), path).not.toContain(story);
		}
		expect((await get(story)).status).toBe(410);
	});
});

describe('a published story', () => {
	it('leaves every cached page that cannot show it cached, and refreshes the lists', async () => {
		const { row: earlier } = await shareAndPublish(store, { topics: ['work'] });
		const unrelated = `/stories/${earlier.slug}`;
		for (const path of [unrelated, curatedStory, '/stories']) await get(path);
		const { row } = await shareAndPublish(store, { topics: ['gambling'] });
		expect((await get(unrelated)).headers.get('x-page-cache')).toBe('hit');
		expect((await get(curatedStory)).headers.get('x-page-cache')).toBe('hit');
		const list = await get('/stories');
		expect(list.headers.get('x-page-cache')).not.toBe('hit');
		expect(await list.text()).toContain(`/stories/${row.slug}`);
	});
});

describe('two server processes on one database', () => {
	let second: RunningServer;
	beforeAll(async () => {
		second = await startServer({
			databasePath: inject('databasePath'),
			databaseUrl: inject('databaseUrl'),
			env: RELAXED_LIMITS,
		});
	});
	afterAll(() => second?.stop());

	const getFrom = (baseUrl: string, path: string) => fetch(new URL(path, baseUrl));

	it('see a story withdrawn through the other one at once', async () => {
		const { older, newer } = await publishTwoOnOneTopic('gambling');
		const story = `/stories/${older.row.slug}`;
		const receiptCode = older.receiptCode;
		const showingIt = [
			...(await listingPages('gambling', older.row)),
			`/stories/${newer.row.slug}`,
		];
		for (const path of [...showingIt, story]) {
			await getFrom(second.baseUrl, path);
			expect(await (await getFrom(second.baseUrl, path)).text(), path).toContain(story);
		}
		// Withdrawn through the first process; the second had every page cached.
		await postForm('/my-story?_action=withdrawMyStory', { code: receiptCode, intent: 'withdraw' });
		for (const path of showingIt) {
			expect(await (await getFrom(second.baseUrl, path)).text(), path).not.toContain(story);
		}
		expect((await getFrom(second.baseUrl, story)).status).toBe(410);
	});

	it('see reactions sent through the other one', async () => {
		const { row } = await shareAndPublish(store);
		const story = `/stories/${row.slug}`;
		await getFrom(second.baseUrl, story);
		expect(await (await getFrom(second.baseUrl, story)).text()).toContain('0 people');
		await postForm(`${story}?_action=reactToStory`, { slug: row.slug!, reaction: 'helped' });
		const html = await (await getFrom(second.baseUrl, story)).text();
		expect(html).toMatch(/id="reaction-count-helped"[^>]*>\s*1 person/);
	});
});
