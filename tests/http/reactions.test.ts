import { eq } from 'drizzle-orm';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDocument, textOf } from '../helpers/html.ts';
import { postForm } from '../helpers/http.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { shareAndPublish } from '../helpers/share.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

/** The count shown next to a reaction's button ("1 person", "3 people"). */
function shownCount(html: string, reaction: 'helped' | 'strength'): number {
	const text = textOf(parse(html).querySelector(`#reaction-count-${reaction}`));
	const match = /^(\d+) (person|people)$/.exec(text);
	if (!match) throw new Error(`no count for ${reaction}: "${text}"`);
	return Number(match[1]);
}

const reactionRowsOf = (slug: string) =>
	store.read(({ query, tables: { reactionCounts } }) =>
		query.select().from(reactionCounts).where(eq(reactionCounts.storySlug, slug)),
	);

const react = (slug: string, reaction: string, options: { origin?: string } = {}) =>
	postForm(`/stories/${slug}?_action=reactToStory`, { slug, reaction }, options);

let community: { slug: string; title: string };
const curated = publishedSourcePieces().find((piece) => piece.path.startsWith('/stories/'))!;
const curatedSlug = curated.path.split('/').pop()!;

beforeAll(async () => {
	const { row } = await shareAndPublish(store);
	community = { slug: row.slug!, title: row.title };
});

describe('reactions', () => {
	it('work as a plain form post that returns to the story, and count once a day', async () => {
		const before = await fetchDocument(`/stories/${community.slug}`);
		expect(shownCount(before.document.toString(), 'helped')).toBe(0);

		const first = await react(community.slug, 'helped');
		const firstHtml = await first.text();
		expect(first.status).toBe(200);
		expect(textOf(parse(firstHtml).querySelector('h1'))).toBe(community.title);
		expect(shownCount(firstHtml, 'helped')).toBe(1);
		expect(textOf(parse(firstHtml).querySelector('[data-reaction-status]'))).toMatch(/added/);

		const again = await react(community.slug, 'helped');
		const againHtml = await again.text();
		expect(shownCount(againHtml, 'helped')).toBe(1);
		expect(textOf(parse(againHtml).querySelector('[data-reaction-status]'))).toMatch(/counts once/);

		// The story page itself (served from the page cache before) shows the new total.
		const after = await fetchDocument(`/stories/${community.slug}`);
		expect(shownCount(after.document.toString(), 'helped')).toBe(1);
		expect(shownCount(after.document.toString(), 'strength')).toBe(0);
	});

	it('work on curated stories too', async () => {
		const before = shownCount((await fetchDocument(curated.path)).document.toString(), 'strength');
		const response = await react(curatedSlug, 'strength');
		expect(response.status).toBe(200);
		expect(shownCount(await response.text(), 'strength')).toBe(before + 1);
		expect(shownCount((await fetchDocument(curated.path)).document.toString(), 'strength')).toBe(
			before + 1,
		);
	});

	it('store nothing but the totals', async () => {
		expect(await reactionRowsOf(community.slug)).toEqual([
			{ storySlug: community.slug, reaction: 'helped', count: 1 },
		]);
	});

	it('are refused from another site and change nothing', async () => {
		const response = await react(community.slug, 'strength', {
			origin: 'https://elsewhere.example',
		});
		expect(response.status).toBe(403);
		const page = await fetchDocument(`/stories/${community.slug}`);
		expect(shownCount(page.document.toString(), 'strength')).toBe(0);
	});

	it('are not counted for a story withdrawn while the reader had it open', async () => {
		const { row, receiptCode } = await shareAndPublish(store);
		await postForm('/my-story?_action=withdrawMyStory', { code: receiptCode, intent: 'withdraw' });
		const response = await react(row.slug!, 'helped');
		expect(response.status).toBe(410);
		expect(await reactionRowsOf(row.slug!)).toEqual([]);
	});

	it('ask again when the reaction is not one we know', async () => {
		const unknown = await react(community.slug, 'applause');
		expect(unknown.status).toBe(400);
		const html = await unknown.text();
		expect(textOf(parse(html).querySelector('[data-reaction-status]'))).toBe(
			'Please choose a reaction.',
		);
		expect(shownCount(html, 'helped')).toBe(1);
	});
});
