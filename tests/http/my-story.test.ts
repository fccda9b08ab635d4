import { eq } from 'drizzle-orm';
import { parse } from 'node-html-parser';
import { afterAll, describe, expect, it } from 'vitest';
import type { submissions } from '../../db/schema.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { textOf } from '../helpers/html.ts';
import { get, postForm } from '../helpers/http.ts';
import { submitStory, validStory } from '../helpers/share.ts';
import { openSharedServerStore, storedSubmission } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());
const rowTitled = (title: string) => storedSubmission(store, { title });
/** Changes the stored story behind the site's back, as a moderator's decision would. */
const setStory = (title: string, values: Partial<typeof submissions.$inferInsert>) =>
	store.transact(({ query, tables: { submissions } }) =>
		query.update(submissions).set(values).where(eq(submissions.title, title)),
	);

/**
 * Publishes the stored story as a moderator does, lists and search included: a story made
 * `approved` behind the domain's back would be missing from the lists other files check.
 */
async function publishStored(title: string) {
	await store.transact(({ query, tables: { moderators } }) =>
		query
			.insert(moderators)
			.values({
				id: MODERATOR_ID,
				username: 'my-story-tests',
				passwordHash: '-',
				createdAt: new Date(),
			})
			.onConflictDoNothing(),
	);
	const row = (await rowTitled(title))!;
	const outcome = await decideSubmission(
		row.id,
		MODERATOR_ID,
		row.version,
		{ kind: 'publish', identifyingDetailsConfirmed: true },
		store,
	);
	expect(outcome.outcome).toBe('done');
}
const MODERATOR_ID = 'my-story-tests';

async function myStory(action: string, fields: Record<string, string | string[] | undefined>) {
	const response = await postForm(`/my-story?_action=${action}`, fields);
	const html = await response.text();
	return { response, html, document: parse(html) };
}

describe('/my-story', () => {
	it('asks for the receipt code, uncached', async () => {
		const response = await get('/my-story');
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(parse(await response.text()).querySelector('form input[name="code"]')).not.toBeNull();
	});

	it('shows a waiting story with its edit and withdraw forms', async () => {
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		const { response, document } = await myStory('lookUpMyStory', { code: receiptCode! });
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(textOf(document.querySelector('#status-heading'))).toBe('Status: Waiting for review');
		expect(document.querySelector('textarea#body')?.textContent).toBe(story.body);
		expect(
			document
				.querySelector('form[action$="withdrawMyStory"] input[name="code"]')
				?.getAttribute('value'),
		).toBe(receiptCode);
	});

	it('gives one generic answer to every wrong code', async () => {
		const answers = await Promise.all(
			['', 'hello', '0000-0000-0000-0000-0000-0000-0000', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ'].map(
				async (code) => {
					const { response, document } = await myStory('lookUpMyStory', { code });
					return {
						status: response.status,
						problem: textOf(document.querySelector('.form-problem p')),
					};
				},
			),
		);
		const [first] = answers.slice(1);
		for (const answer of answers.slice(1)) expect(answer).toEqual(first);
		expect(first!.status).toBe(404);
		expect(first!.problem).toMatch(/could not find a story for that code/);
	});

	it('edits a waiting story through the same preview and checks', async () => {
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		const revisedBody = `${story.body} My number is 555-123-4567.`;
		const preview = await myStory('reviseMyStory', {
			code: receiptCode!,
			...story,
			body: revisedBody,
			intent: 'preview',
		});
		expect(textOf(preview.document.querySelector('.checks'))).toContain('555-123-4567');
		const saved = await myStory('reviseMyStory', {
			code: receiptCode!,
			...story,
			body: revisedBody,
			intent: 'submit',
		});
		expect(textOf(saved.document.querySelector('.notice'))).toMatch(/changes are saved/);
		expect(await rowTitled(story.title)).toMatchObject({
			body: revisedBody,
			version: 2,
			status: 'pending',
		});
	});

	it('keeps the edited text and explains when an edit is invalid', async () => {
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		const { response, document } = await myStory('reviseMyStory', {
			code: receiptCode!,
			...story,
			title: 'Hi',
			intent: 'preview',
		});
		expect(response.status).toBe(400);
		expect(textOf(document.querySelector('#title-error'))).toMatch(/at least 5/);
		expect(document.querySelector('textarea#body')?.textContent).toBe(story.body);
		expect((await rowTitled(story.title))!.version).toBe(1);
	});

	it('shows a decline with its reason, and resubmits a revision', async () => {
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		await setStory(story.title, { status: 'rejected', decisionReason: 'It names a workplace.' });
		const status = await myStory('lookUpMyStory', { code: receiptCode! });
		expect(textOf(status.document.querySelector('#status-heading'))).toBe('Status: Declined');
		expect(textOf(status.document.querySelector('.decision-reason'))).toBe('It names a workplace.');
		const revised = { ...story, title: `${story.title} (revised)` };
		await myStory('reviseMyStory', { code: receiptCode!, ...revised, intent: 'submit' });
		expect(await rowTitled(revised.title)).toMatchObject({
			status: 'pending',
			decisionReason: null,
		});
	});

	it('withdraws a published story after a confirmation, leaving a tombstone', async () => {
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		await publishStored(story.title);
		const id = (await rowTitled(story.title))!.id;

		const confirm = await myStory('withdrawMyStory', { code: receiptCode!, intent: 'confirm' });
		expect(textOf(confirm.document.querySelector('#confirm-heading'))).toContain(story.title);
		expect((await storedSubmission(store, { id }))!.status).toBe('approved');
		// The promise is about this site only: copies made elsewhere are out of its reach.
		const warning = textOf(
			confirm.document.querySelector('section[aria-labelledby="confirm-heading"]'),
		);
		expect(warning).toMatch(/from this site for good/);
		expect(warning).not.toMatch(/anywhere/);

		const done = await myStory('withdrawMyStory', { code: receiptCode!, intent: 'withdraw' });
		expect(textOf(done.document.querySelector('#status-heading'))).toBe('Status: Withdrawn');
		const status = textOf(done.document.querySelector('.my-story-status'));
		expect(status).toMatch(/erased from this site/);
		expect(status).not.toMatch(/anywhere/);
		expect(await storedSubmission(store, { id })).toMatchObject({
			status: 'withdrawn',
			title: '',
			body: '',
			bodyHtml: '',
			penName: null,
		});
		expect(done.document.querySelector('textarea#body')).toBeNull();
	});

	it('refuses to edit a published story', async () => {
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		await publishStored(story.title);
		const { response } = await myStory('reviseMyStory', {
			code: receiptCode!,
			...story,
			body: `${story.body} more`,
			intent: 'submit',
		});
		expect(response.status).toBe(409);
		expect((await rowTitled(story.title))!.body).toBe(story.body);
	});

	it('gives the edited text back, with the reason, whatever refuses the edit', async () => {
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		// One character changed: a code that finds nothing (like a store that refuses a write).
		const wrongCode = `${receiptCode!.slice(0, -1)}${receiptCode!.endsWith('0') ? '1' : '0'}`;
		const edited = `${story.body} An ending I wrote today.`;
		const { response, document } = await myStory('reviseMyStory', {
			code: wrongCode,
			...story,
			body: edited,
			intent: 'submit',
		});
		expect(response.status).toBe(404);
		expect(document.querySelector('textarea#body')?.textContent).toBe(edited);
		expect(textOf(document.querySelector('.form-problem'))).toMatch(/could not find a story/);
	});
});
