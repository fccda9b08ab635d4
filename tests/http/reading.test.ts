import { SyntaxValidator } from 'fast-xml-validator';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_WARNINGS, TOPICS } from '../../src/lib/taxonomy.ts';
import { feedItems, sitemapIndexFiles, sitemapLocations } from '../helpers/feeds.ts';
import { fetchDocument, textOf } from '../helpers/html.ts';
import { get } from '../helpers/http.ts';
import { publishedLibrary, publishedSourcePieces } from '../helpers/library.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const pieces = publishedSourcePieces();
const store = openSharedServerStore();
afterAll(() => store.close());
/** Every published story, curated and community, as the server should list them right now. */
const allStories = async () =>
	(await publishedLibrary(store)).filter(({ path }) => path.startsWith('/stories/'));
const everything = () => publishedLibrary(store);
const stories = pieces.filter(({ path }) => path.startsWith('/stories/'));
const newestFirst = (a: { published: Date }, b: { published: Date }) =>
	b.published.getTime() - a.published.getTime();

describe('the curated library', () => {
	it('has at least 8 composite stories and 8 editorial strategies', () => {
		expect(stories.filter(({ kind }) => kind === 'composite').length).toBeGreaterThanOrEqual(8);
		expect(pieces.filter(({ kind }) => kind === 'editorial').length).toBeGreaterThanOrEqual(8);
	});
});

describe('GET /', () => {
	it('says what the site is and is not, and invites readers to share', async () => {
		const { response, document } = await fetchDocument('/');
		expect(response.status).toBe(200);
		expect(textOf(document.querySelector('main'))).toMatch(
			/is not:? treatment.*or a crisis service/i,
		);
		expect(document.querySelector('main a[href="/share"]')).not.toBeNull();
	});

	it('shows featured stories, the latest stories and strategies', async () => {
		const { document } = await fetchDocument('/');
		const linked = document.querySelectorAll('main a').map((link) => link.getAttribute('href'));
		for (const featured of pieces.filter((piece) => piece.featured).slice(0, 4)) {
			expect(linked).toContain(featured.path);
		}
		expect(linked.some((href) => href?.startsWith('/strategies/'))).toBe(true);
		expect(linked).toContain((await allStories()).toSorted(newestFirst)[0]!.path);
	});
});

describe('GET /stories', () => {
	it('lists every story, newest first', async () => {
		const { document } = await fetchDocument('/stories');
		const listed = document
			.querySelectorAll('.piece-list h2 a')
			.map((link) => link.getAttribute('href'));
		expect(listed).toEqual(
			(await allStories())
				.toSorted(newestFirst)
				.slice(0, 12)
				.map(({ path }) => path),
		);
	});

	it.each(TOPICS.map(({ slug }) => slug))('narrows the list to ?topic=%s', async (topic) => {
		const expected = (await allStories()).filter((story) => story.topics.includes(topic));
		const { response, document } = await fetchDocument(`/stories?topic=${topic}`);
		expect(response.status).toBe(200);
		const listed = document
			.querySelectorAll('.piece-list h2 a')
			.map((link) => link.getAttribute('href'));
		expect(listed).toEqual(
			expected
				.toSorted(newestFirst)
				.slice(0, 12)
				.map(({ path }) => path),
		);
	});

	it('offers topic chips that lead to filtered lists, marking the current one', async () => {
		const { document } = await fetchDocument('/stories?topic=alcohol');
		const current = document.querySelectorAll('ul[aria-label="Topics"] a[aria-current="true"]');
		expect(current.map((chip) => chip.getAttribute('href'))).toEqual(['/stories?topic=alcohol']);
	});

	it.each([
		['an unknown topic', '/stories?topic=moonlight'],
		['a page number past the end', '/stories?page=999'],
		['a page number that is not a number', '/stories?page=two'],
		['page zero', '/stories?page=0'],
	])('answers 404 for %s', async (_case, path) => {
		const { response, document } = await fetchDocument(path);
		expect(response.status).toBe(404);
		expect(textOf(document.querySelector('h1'))).toMatch(/couldn't find/i);
	});
});

describe.each(pieces.map((piece) => [piece.path, piece] as const))('GET %s', (path, piece) => {
	it('shows the title, byline, label, date, reading time and topics', async () => {
		const { response, document } = await fetchDocument(path);
		expect(response.status).toBe(200);
		expect(textOf(document.querySelector('h1'))).toBe(piece.title);
		const meta = textOf(document.querySelector('.piece-header .piece-meta'));
		expect(meta).toContain(piece.kind === 'composite' ? 'Composite story' : 'Editorial article');
		expect(meta).toContain(piece.penName ?? 'Editorial team');
		expect(meta).toMatch(/\d+ min read/);
		expect(document.querySelector('.piece-header time')?.getAttribute('datetime')).toBe(
			piece.published.toISOString().slice(0, 10),
		);
		const topicLinks = document
			.querySelectorAll('.piece-header .topic-chips a')
			.map((link) => link.getAttribute('href'));
		expect(topicLinks).toEqual(piece.topics.map((topic) => `/topics/${topic}`));
		expect(textOf(document.querySelector('title'))).toBe(`${piece.title} · Common Thread`);
	});

	it(
		piece.contentWarnings.length > 0
			? 'keeps the text folded behind a notice naming its warnings'
			: 'shows the text without a fold',
		async () => {
			const { document } = await fetchDocument(path);
			const fold = document.querySelector('details.content-warning');
			if (piece.contentWarnings.length === 0) {
				expect(fold).toBeNull();
				return;
			}
			expect(fold).not.toBeNull();
			expect(fold!.hasAttribute('open')).toBe(false);
			const notice = textOf(fold!.querySelector('summary'));
			for (const slug of piece.contentWarnings) {
				expect(notice).toContain(CONTENT_WARNINGS.find((warning) => warning.slug === slug)!.label);
			}
			expect(fold!.querySelector('.prose')).not.toBeNull();
		},
	);

	it('offers the crisis line and related reading', async () => {
		const { document } = await fetchDocument(path);
		expect(document.querySelector('main .crisis-note a[href^="tel:"]')).not.toBeNull();
		const related = document
			.querySelectorAll('.related a')
			.map((link) => link.getAttribute('href'));
		expect(related).not.toContain(path);
		for (const href of related) {
			const other = (await everything()).find((candidate) => candidate.path === href)!;
			expect(other.topics.some((topic) => piece.topics.includes(topic))).toBe(true);
		}
	});

	it('has a canonical URL and share-card metadata', async () => {
		const { document } = await fetchDocument(path);
		const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href');
		expect(new URL(canonical!).pathname).toBe(path);
		const meta = (property: string) =>
			document
				.querySelector(`meta[property="${property}"], meta[name="${property}"]`)
				?.getAttribute('content');
		expect(meta('og:title')).toBe(piece.title);
		expect(meta('og:description')).toBe(piece.summary);
		expect(meta('og:type')).toBe('article');
		expect(meta('twitter:card')).toBe('summary_large_image');
		const image = await get(new URL(meta('og:image')!).pathname);
		expect(image.status).toBe(200);
		expect(image.headers.get('content-type')).toBe('image/png');
	});

	it('ships only small inline enhancements: quick exit, reader preferences, reactions', async () => {
		const { document } = await fetchDocument(path);
		const scripts = document.querySelectorAll('script');
		expect(scripts.every((script) => script.getAttribute('src') === undefined)).toBe(true);
		expect(scripts.some((script) => script.textContent.includes('location.replace'))).toBe(true);
		const bytes = scripts.reduce((sum, script) => sum + Buffer.byteLength(script.textContent), 0);
		expect(bytes).toBeLessThanOrEqual(2048);
	});

	it(
		['overdose', 'suicide', 'self-harm'].some((warning) =>
			piece.contentWarnings.includes(warning as 'overdose'),
		)
			? 'puts the helplines beside the story, before its text'
			: 'keeps the helplines after the story',
		async () => {
			const { document } = await fetchDocument(path);
			const article = document.querySelector('article.piece')!;
			const sensitive = ['overdose', 'suicide', 'self-harm'].some((warning) =>
				piece.contentWarnings.includes(warning as 'overdose'),
			);
			expect(article.querySelector('.crisis-note a[href^="tel:"]') !== null).toBe(sensitive);
		},
	);
});

describe('GET /strategies', () => {
	it('lists every strategy article', async () => {
		const { document } = await fetchDocument('/strategies');
		const listed = document
			.querySelectorAll('.piece-list a')
			.map((link) => link.getAttribute('href'));
		const expected = pieces
			.filter(({ path }) => path.startsWith('/strategies/'))
			.map(({ path }) => path);
		expect(listed.toSorted()).toEqual(expected.toSorted());
	});

	it.each(
		pieces
			.filter(({ path }) => path.startsWith('/strategies/'))
			.map((piece) => [piece.path, piece]),
	)('%s lists its sources with publisher and link, and its review date', async (path, piece) => {
		const { document } = await fetchDocument(path);
		const section = document.querySelector('article .piece-sources');
		expect(piece.sources.length).toBeGreaterThan(0);
		const items = section!.querySelectorAll('li');
		expect(items).toHaveLength(piece.sources.length);
		piece.sources.forEach((source, index) => {
			const link = items[index]!.querySelector('a')!;
			expect(link.getAttribute('href')).toBe(source.url);
			expect(textOf(link)).toBe(source.title);
			expect(textOf(items[index]!)).toContain(source.publisher);
		});
		const reviewed = section!.querySelector('time');
		expect(reviewed!.getAttribute('datetime')).toBe(piece.reviewed);
		expect(textOf(section!.querySelector('.reviewed'))).toMatch(/^Reviewed \w+ \d{1,2}, \d{4}$/);
	});
});

describe('topics', () => {
	it('GET /topics links every topic of the taxonomy', async () => {
		const { document } = await fetchDocument('/topics');
		const linked = document.querySelectorAll('main a').map((link) => link.getAttribute('href'));
		for (const { slug } of TOPICS) expect(linked).toContain(`/topics/${slug}`);
	});

	it.each(TOPICS.map(({ slug, label }) => [slug, label] as const))(
		'GET /topics/%s lists exactly its pieces',
		async (slug, label) => {
			const { response, document } = await fetchDocument(`/topics/${slug}`);
			expect(response.status).toBe(200);
			expect(textOf(document.querySelector('h1'))).toBe(label);
			// Twelve stories a page; follow "Older" to the end.
			const listed = new Set<string | undefined>();
			for (let page: typeof document | null = document; page;) {
				const stories = page.querySelectorAll(
					'section[aria-labelledby="topic-stories"] .piece-list > li',
				);
				expect(stories.length).toBeLessThanOrEqual(12);
				for (const link of page.querySelectorAll('.piece-list a'))
					listed.add(link.getAttribute('href'));
				const next: string | undefined = page.querySelector('a[rel="next"]')?.getAttribute('href');
				page = next ? (await fetchDocument(next)).document : null;
			}
			const expected = (await everything())
				.filter((piece) => piece.topics.includes(slug))
				.map(({ path }) => path);
			expect([...listed].toSorted()).toEqual(expected.toSorted());
		},
	);

	it('GET /topics/<unknown> answers 404', async () => {
		expect((await get('/topics/moonlight')).status).toBe(404);
	});
});

describe('the 404 page', () => {
	it('helps: a search box, links onward and the crisis line', async () => {
		const { response, document } = await fetchDocument('/no/such/page');
		expect(response.status).toBe(404);
		expect(document.querySelector('form[action="/search"] input[name="q"]')).not.toBeNull();
		expect(document.querySelector('main a[href="/stories"]')).not.toBeNull();
		expect(document.querySelector('footer a[href^="tel:"]')).not.toBeNull();
		expect(document.querySelector('meta[name="robots"]')?.getAttribute('content')).toBe('noindex');
	});
});

describe('feeds and indexes', () => {
	it('GET /rss.xml is valid XML listing the newest 50 pieces, curated ones with their summary', async () => {
		const response = await get('/rss.xml');
		expect(response.headers.get('content-type')).toMatch(/xml/);
		const xml = await response.text();
		expect(() => SyntaxValidator.validate(xml)).not.toThrow();
		const items = feedItems(xml);
		const newest = (await everything()).toSorted(newestFirst).slice(0, 50);
		expect(items.map(({ link }) => new URL(link).pathname).toSorted()).toEqual(
			newest.map(({ path }) => path).toSorted(),
		);
		for (const piece of pieces.filter((curated) => newest.includes(curated))) {
			const item = items.find(({ link }) => new URL(link).pathname === piece.path)!;
			expect(item.description).toBe(piece.summary);
		}
	});

	it.each(TOPICS.map(({ slug }) => slug))(
		'GET /topics/%s/rss.xml is valid XML listing the newest 50 pieces of that topic only, newest first',
		async (slug) => {
			const response = await get(`/topics/${slug}/rss.xml`);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/xml/);
			expect(response.headers.get('cache-control')).toBe(
				(await get('/rss.xml')).headers.get('cache-control'),
			);
			const xml = await response.text();
			expect(() => SyntaxValidator.validate(xml)).not.toThrow();
			const items = feedItems(xml);
			const newest = (await everything())
				.filter((piece) => piece.topics.includes(slug))
				.toSorted(newestFirst)
				.slice(0, 50);
			expect(items.map(({ link }) => new URL(link).pathname).toSorted()).toEqual(
				newest.map(({ path }) => path).toSorted(),
			);
			const dates = items.map(({ pubDate }) => Date.parse(pubDate));
			expect(dates).toEqual(dates.toSorted((a, b) => b - a));
		},
	);

	it('GET /topics/<unknown>/rss.xml answers 404', async () => {
		expect((await get('/topics/not-a-topic/rss.xml')).status).toBe(404);
	});

	it('offers each topic page its own feed, as a visible link and a link rel=alternate', async () => {
		const { slug } = TOPICS[0];
		const { document } = await fetchDocument(`/topics/${slug}`);
		const href = `/topics/${slug}/rss.xml`;
		expect(document.querySelector(`main a[href="${href}"]`)).not.toBeNull();
		expect(
			document.querySelector(`link[rel="alternate"][type="application/rss+xml"][href="${href}"]`),
		).not.toBeNull();
	});

	it('GET /sitemap.xml is a valid sitemap index whose files list every piece and topic', async () => {
		const index = await (await get('/sitemap.xml')).text();
		expect(() => SyntaxValidator.validate(index)).not.toThrow();
		const files = sitemapIndexFiles(index).map((loc) => new URL(loc).pathname);
		expect(files[0]).toBe('/sitemap-1.xml');
		const locations: string[] = [];
		for (const file of files) {
			const xml = await (await get(file)).text();
			expect(() => SyntaxValidator.validate(xml)).not.toThrow();
			const urls = sitemapLocations(xml);
			expect(urls.length).toBeLessThanOrEqual(50_000);
			locations.push(...urls.map((loc) => new URL(loc).pathname));
		}
		for (const piece of pieces) expect(locations).toContain(piece.path);
		for (const { slug } of TOPICS) expect(locations).toContain(`/topics/${slug}`);
		expect((await get(`/sitemap-${files.length + 1}.xml`)).status).toBe(404);
		expect((await get('/sitemap-0.xml')).status).toBe(404);
	});

	it('GET /robots.txt points to the sitemap', async () => {
		const sitemapLine = /^Sitemap: (\S+)$/m.exec(await (await get('/robots.txt')).text());
		expect(new URL(sitemapLine![1]!).pathname).toBe('/sitemap.xml');
	});
});
