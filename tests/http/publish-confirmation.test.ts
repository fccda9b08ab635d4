import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { textOf } from '../helpers/html.ts';
import { get, postForm, type FormFields } from '../helpers/http.ts';
import { createModerator, signIn } from '../helpers/moderators.ts';
import { submitStory, validStory } from '../helpers/share.ts';
import { openSharedServerStore, storedAuditEvents, storedSubmission } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

const EMAIL = 'river.walker@example.com';

async function moderatorCookie(): Promise<string> {
	const moderator = await createModerator();
	return (await signIn(moderator.username, moderator.password)).cookie!;
}

async function waitingStory(fields: FormFields = {}) {
	const story = validStory(fields);
	await submitStory(story);
	return (await storedSubmission(store, { title: story.title }))!;
}

const storedRow = async (id: string) => (await storedSubmission(store, { id }))!;

/** What a browser sends for `form` when `button` is clicked: every field that is sent, as set. */
function submittedFields(form: HTMLElement, button: HTMLElement): FormFields {
	const fields: Record<string, string[]> = {};
	const add = (name: string | undefined, value: string) => {
		if (name) (fields[name] ??= []).push(value);
	};
	for (const input of form.querySelectorAll('input')) {
		const type = input.getAttribute('type') ?? 'text';
		if ((type === 'checkbox' || type === 'radio') && !input.hasAttribute('checked')) continue;
		add(
			input.getAttribute('name'),
			input.getAttribute('value') ?? (type === 'checkbox' ? 'on' : ''),
		);
	}
	for (const textarea of form.querySelectorAll('textarea'))
		add(textarea.getAttribute('name'), textarea.textContent.replace(/^\n/, ''));
	for (const select of form.querySelectorAll('select')) {
		const chosen = select.querySelector('option[selected]') ?? select.querySelector('option');
		add(select.getAttribute('name'), chosen?.getAttribute('value') ?? '');
	}
	add(button.getAttribute('name'), button.getAttribute('value') ?? '');
	return fields;
}

/** The review page's form holding the button named `label`, and where that button posts. */
async function reviewFormFor(id: string, cookie: string, label: string) {
	const page = parse(await (await get(`/moderate/${id}`, { headers: { cookie } })).text());
	return formWithButton(page, label);
}

function formWithButton(page: HTMLElement, label: string) {
	const button = page.querySelectorAll('button').find((element) => textOf(element) === label)!;
	expect(button, `a "${label}" button`).toBeDefined();
	const form = button.closest('form')!;
	const action = button.getAttribute('formaction') ?? form.getAttribute('action')!;
	return { fields: submittedFields(form, button), action };
}

function post(id: string, action: string, fields: FormFields, cookie: string) {
	return postForm(`/moderate/${id}${action}`, fields, { headers: { cookie } });
}

describe('publishing a story in which identifying details remain', () => {
	it('asks first, listing them, and publishes nothing', async () => {
		const cookie = await moderatorCookie();
		const row = await waitingStory({ body: `${validStory().body} Write to me at ${EMAIL}.` });
		const { fields, action } = await reviewFormFor(row.id, cookie, 'Publish as the writer set it');
		const response = await post(row.id, action, fields, cookie);
		expect(response.status).toBe(200);
		const page = parse(await response.text());
		const confirmation = page.querySelector('.confirm-publish');
		expect(textOf(confirmation?.querySelector('h2') ?? null)).toMatch(/identifying details/i);
		expect(
			confirmation!.querySelectorAll('.confirm-publish-details li').map((item) => textOf(item)),
		).toEqual([`Email address: ${EMAIL}`]);
		expect(confirmation!.querySelector('a[href="#redact-heading"]')).not.toBeNull();
		expect(await storedRow(row.id)).toMatchObject({
			status: 'pending',
			slug: null,
			version: row.version,
		});
	});

	it('publishes after "Publish anyway", and the audit trail names the kinds, not the text', async () => {
		const cookie = await moderatorCookie();
		const row = await waitingStory({ body: `${validStory().body} Write to me at ${EMAIL}.` });
		const first = await reviewFormFor(row.id, cookie, 'Publish with these content warnings');
		const asked = parse(await (await post(row.id, first.action, first.fields, cookie)).text());
		const anyway = formWithButton(asked, 'Publish anyway');
		const response = await post(row.id, anyway.action, anyway.fields, cookie);
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toBe('/moderate?done=publish-with-warnings');
		const published = await storedRow(row.id);
		expect(published.status).toBe('approved');
		expect((await get(`/stories/${published.slug}`)).status).toBe(200);
		const event = (await storedAuditEvents(store, { submissionId: row.id })).find(
			(candidate) => candidate.action === 'publish-with-warnings',
		)!;
		expect(JSON.stringify(event.detail)).toContain('"publishedWithIdentifyingDetails":["email"]');
		expect(JSON.stringify(event)).not.toContain('river.walker');
	});

	it('publishes a clean story directly', async () => {
		const cookie = await moderatorCookie();
		const row = await waitingStory();
		const { fields, action } = await reviewFormFor(row.id, cookie, 'Publish as the writer set it');
		const response = await post(row.id, action, fields, cookie);
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toBe('/moderate?done=publish');
		expect((await storedRow(row.id)).status).toBe('approved');
	});

	it('checks the title and pen name too', async () => {
		const cookie = await moderatorCookie();
		const row = await waitingStory({ penName: '@harbor_lights' });
		const { fields, action } = await reviewFormFor(row.id, cookie, 'Publish as the writer set it');
		const page = parse(await (await post(row.id, action, fields, cookie)).text());
		expect(textOf(page.querySelector('.confirm-publish-details'))).toContain(
			'Social media handle: @harbor_lights',
		);
		expect((await storedRow(row.id)).status).toBe('pending');
	});

	it('publishes directly when the redaction sent with Publish removes the detail', async () => {
		const cookie = await moderatorCookie();
		const row = await waitingStory({ body: `${validStory().body} Write to me at ${EMAIL}.` });
		const { fields, action } = await reviewFormFor(row.id, cookie, 'Publish as the writer set it');
		const redacted = (fields.body as string[])[0]!.replace(EMAIL, '[email removed]');
		const response = await post(row.id, action, { ...fields, body: redacted }, cookie);
		expect(response.status).toBe(302);
		const published = await storedRow(row.id);
		expect(published).toMatchObject({ status: 'approved', body: redacted });
		expect(await (await get(`/stories/${published.slug}`)).text()).not.toContain(EMAIL);
	});

	it('keeps the edits sent with Publish through the confirmation and into the published story', async () => {
		const cookie = await moderatorCookie();
		const row = await waitingStory({
			body: `${validStory().body} Write to me at ${EMAIL} or call 555-867-5309.`,
		});
		const { fields, action } = await reviewFormFor(row.id, cookie, 'Publish as the writer set it');
		// The moderator removes the email but misses the phone number, and retitles the story.
		const edited = {
			...fields,
			title: `${row.title} (edited)`,
			body: (fields.body as string[])[0]!.replace(EMAIL, 'by email'),
		};
		const asked = parse(await (await post(row.id, action, edited, cookie)).text());
		expect(
			asked.querySelectorAll('.confirm-publish-details li').map((item) => textOf(item)),
		).toEqual(['Phone number: 555-867-5309']);
		// Nothing was stored, and the edit form still holds the moderator's edits.
		expect(await storedRow(row.id)).toMatchObject({ title: row.title, body: row.body });
		expect(asked.querySelector('input#title')!.getAttribute('value')).toBe(edited.title);
		expect(asked.querySelector('textarea#body')!.textContent).toContain('by email');

		const anyway = formWithButton(asked, 'Publish anyway');
		expect((await post(row.id, anyway.action, anyway.fields, cookie)).status).toBe(302);
		expect(await storedRow(row.id)).toMatchObject({
			status: 'approved',
			title: edited.title,
			body: edited.body,
		});
	});
});
