import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../helpers/html.ts';
import { get, postForm } from '../helpers/http.ts';
import { createModerator, signIn } from '../helpers/moderators.ts';
import { fetchFormToken, submitStory, validStory } from '../helpers/share.ts';
import { openSharedServerStore, storedSubmission } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

let cookie: string;
beforeAll(async () => {
	const moderator = await createModerator();
	cookie = (await signIn(moderator.username, moderator.password)).cookie!;
});

/** The card of the story titled `title` on the waiting queue, whichever page it is on. */
async function queueCard(title: string): Promise<HTMLElement> {
	for (let page = 1; page < 100; page += 1) {
		const html = parse(
			await (await get(`/moderate?tab=waiting&page=${page}`, { headers: { cookie } })).text(),
		);
		const card = html
			.querySelectorAll('.queue-card')
			.find((element) => textOf(element.querySelector('.queue-card-title')) === title);
		if (card) return card;
		if (html.querySelectorAll('.queue-card').length === 0) break;
	}
	throw new Error(`no queue card for ${title}`);
}

// One detail per story, in one field each: the writer is warned about it at preview, so
// the moderator deciding whether to publish must be shown it too.
describe.each([
	{ field: 'title', detail: 'sam.rivers@example.org', label: 'Email address' },
	{ field: 'penName', detail: '@samrivers99', label: 'Social media handle' },
	{ field: 'body', detail: '555-867-5309', label: 'Phone number' },
])('an identifying detail in the $field', ({ field, detail, label }) => {
	const story = validStory();
	story[field] =
		field === 'body'
			? `${story.body} Call ${detail} any time.`
			: `${field === 'title' ? story.title : 'Sam'} ${detail}`;

	it('is listed in the writer’s preview', async () => {
		const formToken = await fetchFormToken();
		const response = await postForm('/share?_action=shareStory', {
			formToken,
			...story,
			intent: 'preview',
		});
		const listed = parse(await response.text())
			.querySelectorAll('.check-identifying li')
			.map(textOf);
		expect(listed.some((item) => item.includes(`${label}: ${detail}`))).toBe(true);
	});

	it('is counted on the moderator’s queue card and listed on the review page', async () => {
		const { receiptCode } = await submitStory(story);
		expect(receiptCode).not.toBeNull();
		const card = await queueCard(story.title);
		expect(card.querySelectorAll('.flag').map(textOf)).toContain('Identifying details: 1');

		const row = (await storedSubmission(store, { title: story.title }))!;
		const review = parse(await (await get(`/moderate/${row.id}`, { headers: { cookie } })).text());
		const findings = review.querySelectorAll('#findings-heading ~ .check-group li').map(textOf);
		expect(findings.some((item) => item.includes(label) && item.includes(detail))).toBe(true);
		const highlighted = review.querySelectorAll('.review-story mark').map(textOf);
		expect(highlighted.includes(detail)).toBe(field === 'body');
	});
});
