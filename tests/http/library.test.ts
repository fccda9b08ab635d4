import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedItems } from '../helpers/feeds.ts';
import { fetchDocument, textOf } from '../helpers/html.ts';
import { get, postForm } from '../helpers/http.ts';
import { publishedLibrary } from '../helpers/library.ts';
import { shareAndPublish } from '../helpers/share.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

let published: { slug: string; title: string; id: string };
beforeAll(async () => {
	const { row } = await shareAndPublish(store, { topics: ['gambling', 'community'] });
	published = { slug: row.slug!, title: row.title, id: row.id };
});

describe('one library', () => {
	it('shows a new community story among the latest on the home page', async () => {
		const { document } = await fetchDocument('/');
		expect(document.querySelectorAll('main a').map((link) => link.getAttribute('href'))).toContain(
			`/stories/${published.slug}`,
		);
	});

	it('filters /stories by who wrote them', async () => {
		const community = (await fetchDocument('/stories?kind=community')).document;
		const editorial = (await fetchDocument('/stories?kind=composite')).document;
		const hrefs = (document: typeof community) =>
			document.querySelectorAll('.piece-list h2 a').map((link) => link.getAttribute('href')!);
		expect(hrefs(community)).toContain(`/stories/${published.slug}`);
		expect(hrefs(community).every((href) => href.startsWith('/stories/shared-'))).toBe(true);
		expect(hrefs(editorial).length).toBeGreaterThan(0);
		expect(hrefs(editorial).some((href) => href.startsWith('/stories/shared-'))).toBe(false);
		expect((await get('/stories?kind=everyone')).status).toBe(404);
		// `kind` is a piece's kind, as on /search: no story is an editorial article.
		expect((await get('/stories?kind=editorial')).status).toBe(404);
	});

	it('lists community stories in the feed, the sitemap and the topic counts', async () => {
		const links = feedItems(await (await get('/rss.xml')).text()).map(
			(item) => new URL(item.link).pathname,
		);
		expect(links).toContain(`/stories/${published.slug}`);
		expect(await (await get('/sitemap-1.xml')).text()).toContain(`/stories/${published.slug}`);
		const topics = (await fetchDocument('/topics')).document;
		const gambling = topics
			.querySelectorAll('.topic-index li')
			.find((item) => textOf(item).startsWith('Gambling'))!;
		const count = Number(/\((\d+)\)/.exec(textOf(gambling))![1]);
		expect(count).toBeGreaterThanOrEqual(2);
	});
});

describe('milestones', () => {
	it('filter /stories to writers at one point in recovery, curated and community alike', async () => {
		const { row } = await shareAndPublish(store, { milestone: 'after-a-relapse' });
		expect(row.milestone).toBe('after-a-relapse');
		const slug = row.slug!;
		const { document } = await fetchDocument('/stories?milestone=after-a-relapse');
		const listed = document
			.querySelectorAll('.piece-list h2 a')
			.map((link) => link.getAttribute('href')!);
		const expected = (await publishedLibrary(store))
			.filter(
				(piece) => piece.path.startsWith('/stories/') && piece.milestone === 'after-a-relapse',
			)
			.map(({ path }) => path);
		expect(listed.toSorted()).toEqual(expected.slice(0, 12).toSorted());
		expect(listed).toContain(`/stories/${slug}`);
		expect(listed.some((href) => !href.startsWith('/stories/shared-'))).toBe(true);
		expect(
			textOf((await fetchDocument(`/stories/${slug}`)).document.querySelector('.piece-meta')),
		).toContain('After a relapse');
		expect((await get('/stories?milestone=forever')).status).toBe(404);
	});
});

const reportsOf = (submissionId: string) =>
	store.read(({ query, tables: { reports } }) =>
		query.select().from(reports).where(eq(reports.submissionId, submissionId)),
	);

describe('reporting a story', () => {
	it('works as a plain form post and reaches the moderators', async () => {
		const before = (await reportsOf(published.id)).length;
		const response = await postForm(`/stories/${published.slug}?_action=reportStory`, {
			slug: published.slug,
			reason: 'identifying-details',
			note: 'Names a town',
		});
		expect(response.status).toBe(200);
		const document = (await import('node-html-parser')).parse(await response.text());
		expect(textOf(document.querySelector('.report'))).toMatch(/Thank you/);
		expect(await reportsOf(published.id)).toHaveLength(before + 1);
	});

	it('asks for a note when the reason is "something else"', async () => {
		const response = await postForm(`/stories/${published.slug}?_action=reportStory`, {
			slug: published.slug,
			reason: 'other',
		});
		expect(response.status).toBe(400);
		const document = (await import('node-html-parser')).parse(await response.text());
		expect(textOf(document.querySelector('#note-error'))).toMatch(/what is wrong/);
	});

	it('is refused from another site', async () => {
		const response = await postForm(
			`/stories/${published.slug}?_action=reportStory`,
			{ slug: published.slug, reason: 'spam' },
			{ origin: 'https://evil.example' },
		);
		expect(response.status).toBe(403);
	});
});
