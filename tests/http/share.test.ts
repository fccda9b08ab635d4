import { parse } from 'node-html-parser';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DECLINE_REASONS } from '../../src/lib/guidelines.ts';
import { REVIEW_PROMISE_DAYS } from '../../src/lib/settings.ts';
import { textOf } from '../helpers/html.ts';
import { get, postForm, siteUrl } from '../helpers/http.ts';
import { fetchFormToken, submitStory, validStory } from '../helpers/share.ts';
import { openSharedServerStore, storedStoryCount } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());
const storedRows = () => storedStoryCount(store);
const storedTitles = async () =>
	(
		await store.read(({ query, tables: { submissions } }) =>
			query.select({ title: submissions.title }).from(submissions),
		)
	).map(({ title }) => title);

async function share(fields: Record<string, string | string[] | undefined>) {
	const response = await postForm('/share?_action=shareStory', {
		formToken: await fetchFormToken(),
		...fields,
	});
	const html = await response.text();
	return { response, html, document: parse(html) };
}

describe('GET /share', () => {
	it('offers the form with prompts, privacy tips, guidelines and a honeypot, uncached', async () => {
		const response = await get('/share');
		expect(response.headers.get('cache-control')).toBe('no-store');
		const document = parse(await response.text());
		for (const name of [
			'title',
			'body',
			'penName',
			'topics',
			'contentWarnings',
			'consent',
			'website',
			'formToken',
		]) {
			expect(document.querySelector(`form [name="${name}"]`), name).not.toBeNull();
		}
		const guide = textOf(document.querySelector('.share-guide'));
		expect(guide).toMatch(/what it was like/i);
		expect(guide).toMatch(/Leave out names/);
		expect(document.querySelector('a[href="/guidelines"]')).not.toBeNull();
		expect(document.querySelector('.honeypot')?.getAttribute('aria-hidden')).toBe('true');
	});

	it('guides the writer before sending: every decline reason, 988, and when we will read it', async () => {
		const response = await get('/share');
		const guide = parse(await response.text()).querySelector('.share-guide');
		const text = textOf(guide);
		for (const { label } of DECLINE_REASONS) expect(text).toContain(label);
		expect(guide!.querySelector('a[href="tel:988"]')).not.toBeNull();
		expect(text).toContain(`we aim to read every story within ${REVIEW_PROMISE_DAYS} days`);
		expect(text).toMatch(/is now the right time\?/i);
		expect(text).toMatch(/receipt code/i);
		expect(text).toMatch(/custody/i);
		expect(text).toMatch(/Leave this site/);
	});
});

describe('POST /share, without JavaScript', () => {
	it('goes from form to preview to edit to receipt, keeping every field on the way', async () => {
		const story = validStory({
			penName: 'Ash',
			topics: ['opioids', 'medication-assisted'],
			contentWarnings: ['relapse'],
		});
		const preview = await share({ ...story, intent: 'preview' });
		expect(preview.response.status).toBe(200);
		expect(textOf(preview.document.querySelector('h1'))).toMatch(/Check your story/);
		expect(preview.document.querySelector('.preview .prose p')).not.toBeNull();
		const hidden = (name: string) =>
			preview.document
				.querySelectorAll(`.preview-actions input[name="${name}"]`)
				.map((input) => input.getAttribute('value'));
		expect(hidden('title')).toEqual([story.title]);
		expect(hidden('topics')).toEqual(story.topics);
		expect(hidden('contentWarnings')).toEqual(['relapse']);

		const edit = await share({ ...story, intent: 'edit' });
		expect(edit.document.querySelector('input#title')?.getAttribute('value')).toBe(story.title);
		expect(edit.document.querySelector('textarea#body')?.textContent).toBe(story.body);
		expect(
			edit.document.querySelector('input[name="topics"][value="opioids"]')?.hasAttribute('checked'),
		).toBe(true);
		expect(edit.document.querySelector('input[name="consent"]')?.hasAttribute('checked')).toBe(
			true,
		);

		const before = await storedRows();
		const { response, html, receiptCode } = await submitStory(story);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(receiptCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
		expect(html).toMatch(/shown only once/);
		expect(await storedRows()).toBe(before + 1);
		expect(await storedTitles()).toContain(story.title);
	});

	it('lists identifying details and safety flags in the preview, with suggestions', async () => {
		const story = validStory({
			body: `${validStory().body} You can text me at 555-867-5309 or write to wren.h@example.org. My sponsor Dave says hi. Back then I was taking 80 mg a day and I relapsed twice.`,
		});
		const { document } = await share({ ...story, intent: 'preview' });
		const checks = textOf(document.querySelector('.checks'));
		expect(checks).toContain('555-867-5309');
		expect(checks).toContain('wren.h@example.org');
		expect(checks).toContain('Dave');
		expect(checks).toContain('80 mg');
		expect(checks).toMatch(/relapse/);
		expect(document.querySelectorAll('.checks mark').length).toBeGreaterThanOrEqual(4);
	});

	it.each([
		['a missing title', { title: undefined }, 'title', /write a title/i],
		['a short title', { title: 'Hey' }, 'title', /at least 5 characters/],
		['a short story', { body: 'Too short to publish.' }, 'body', /at least 300 characters/],
		['an overlong story', { body: 'x'.repeat(20_001) }, 'body', /at most 20,000 characters/],
		['an overlong pen name', { penName: 'p'.repeat(41) }, 'penName', /at most 40 characters/],
		[
			'too many topics',
			{ topics: ['alcohol', 'opioids', 'cannabis', 'gambling', 'family', 'work'] },
			'topics',
			/at most 5/,
		],
		['an unknown topic', { topics: ['moonlight'] }, 'topics', /from the list/],
		['an unknown warning', { contentWarnings: ['spoilers'] }, 'contentWarnings', /from the list/],
		['no consent', { consent: undefined }, 'consent', /confirm/],
		['control characters', { title: 'Hello\u0007 there friend' }, 'title', /control characters/],
	])(
		'refuses %s with a 400 and a message next to the field, keeping the text',
		async (_case, change, field, message) => {
			const story = validStory(change);
			const before = await storedRows();
			const { response, document } = await share({ ...story, intent: 'submit' });
			expect(response.status).toBe(400);
			expect(textOf(document.querySelector(`#${field}-error`))).toMatch(message);
			expect(textOf(document.querySelector('.form-problem'))).toMatch(message);
			if (typeof story.body === 'string')
				expect(document.querySelector('textarea#body')?.textContent).toBe(story.body);
			expect(await storedRows()).toBe(before);
		},
	);

	it('keeps one row when the same form is posted twice, and both receipts work', async () => {
		const story = validStory();
		const formToken = await fetchFormToken();
		const before = await storedRows();
		const post = async () => {
			const response = await postForm('/share?_action=shareStory', {
				...story,
				formToken,
				intent: 'submit',
			});
			return parse(await response.text()).querySelector('#receipt-code')?.textContent ?? null;
		};
		const codes = [await post(), await post()];
		expect(await storedRows()).toBe(before + 1);
		for (const code of codes) {
			const response = await postForm('/my-story?_action=lookUpMyStory', { code: code! });
			expect(textOf(parse(await response.text()).querySelector('#status-heading'))).toMatch(
				/Waiting for review/,
			);
		}
	});

	it('keeps the same text from two browsers apart: the second receipt opens only the second story', async () => {
		const text = validStory();
		const before = await storedRows();
		const first = await submitStory({ ...text, penName: 'Harbor' });
		const second = await submitStory({ ...text, penName: 'Kestrel' });
		expect(await storedRows()).toBe(before + 2);
		const lookUp = async (code: string) =>
			parse(await (await postForm('/my-story?_action=lookUpMyStory', { code })).text());
		const seenBySecond = await lookUp(second.receiptCode!);
		expect(seenBySecond.querySelector('input#penName')?.getAttribute('value')).toBe('Kestrel');
		expect(seenBySecond.toString()).not.toContain('Harbor');
		// Withdrawing with the second code leaves the first writer's story as it was.
		await postForm('/my-story?_action=withdrawMyStory', {
			code: second.receiptCode!,
			intent: 'withdraw',
		});
		const seenByFirst = await lookUp(first.receiptCode!);
		expect(textOf(seenByFirst.querySelector('#status-heading'))).toMatch(/Waiting for review/);
		expect(seenByFirst.querySelector('input#penName')?.getAttribute('value')).toBe('Harbor');
	});

	it('looks accepted but stores nothing when the honeypot is filled', async () => {
		const before = await storedRows();
		const { response, receiptCode } = await submitStory(
			validStory({ website: 'https://spam.example' }),
		);
		expect(response.status).toBe(200);
		expect(receiptCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
		expect(await storedRows()).toBe(before);
		const lookup = await postForm('/my-story?_action=lookUpMyStory', { code: receiptCode! });
		expect(lookup.status).toBe(404);
	});

	it('asks to send again, keeping the text, when the form token is missing or forged', async () => {
		const story = validStory();
		const response = await postForm('/share?_action=shareStory', {
			...story,
			formToken: '1.forged',
			intent: 'submit',
		});
		expect(response.status).toBe(400);
		const document = parse(await response.text());
		expect(textOf(document.querySelector('.form-problem'))).toMatch(/expired/);
		expect(document.querySelector('textarea#body')?.textContent).toBe(story.body);
	});
});

describe('malformed posts', () => {
	const rawPost = (path: string, body: string, contentType = 'application/x-www-form-urlencoded') =>
		fetch(siteUrl(path), {
			method: 'POST',
			headers: { 'content-type': contentType, origin: new URL(inject('baseUrl')).origin },
			body,
		});

	it.each([
		['an empty body', '/share?_action=shareStory', ''],
		['wrong types', '/share?_action=shareStory', 'title[]=a&body[0]=b&topics=123&consent=maybe'],
		[
			'invalid UTF-8',
			'/share?_action=shareStory',
			'title=Hello%FF%FE%FDthere&body=%C3%28&consent=on&intent=submit',
		],
		['a forged action name', '/share?_action=publishEverything', 'title=x'],
		['an action of another page', '/share?_action=withdrawMyStory', 'code=x'],
		['a bad receipt code', '/my-story?_action=lookUpMyStory', 'code=%00%01%02'],
		['an overlong receipt code', '/my-story?_action=lookUpMyStory', `code=${'A'.repeat(500)}`],
		['a bad withdraw intent', '/my-story?_action=withdrawMyStory', 'code=x&intent=explode'],
	])('answers %s with a 4xx and a message, never a 500 or a row', async (_case, path, body) => {
		const before = await storedRows();
		const response = await rawPost(path, body);
		expect(response.status).toBeGreaterThanOrEqual(400);
		expect(response.status).toBeLessThan(500);
		expect(textOf(parse(await response.text()).querySelector('.form-problem'))).not.toBe('');
		expect(await storedRows()).toBe(before);
	});

	it('refuses JSON sent to a form action with a 415', async () => {
		const response = await rawPost('/_actions/shareStory', '{"title":"x"}', 'application/json');
		expect(response.status).toBe(415);
	});

	it.each([
		['100 KB', 100 * 1024],
		['1 MB', 1024 * 1024],
		['2 MB', 2 * 1024 * 1024],
	])('answers a %s body with 413 and a plain explanation', async (_size, bytes) => {
		const before = await storedRows();
		const response = await rawPost(
			'/share?_action=shareStory',
			`consent=on&title=Hello+there&body=${'a'.repeat(bytes)}`,
		);
		expect(response.status).toBe(413);
		expect(textOf(parse(await response.text()).querySelector('.form-problem'))).toMatch(
			/too much to send/,
		);
		expect(await storedRows()).toBe(before);
	});

	it.each([
		'/share?_action=shareStory',
		'/my-story?_action=lookUpMyStory',
		'/my-story?_action=withdrawMyStory',
	])('refuses a cross-origin or origin-less POST to %s', async (path) => {
		const before = await storedRows();
		expect((await postForm(path, validStory(), { origin: 'https://evil.example' })).status).toBe(
			403,
		);
		expect((await postForm(path, validStory(), { origin: null })).status).toBe(403);
		expect(await storedRows()).toBe(before);
	});
});
