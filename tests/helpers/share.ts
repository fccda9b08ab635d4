import { parse } from 'node-html-parser';
import { inject } from 'vitest';
import type { Store } from '../../db/store.ts';
import { createModerator, signIn } from './moderators.ts';
import { postForm, siteUrl, type FormFields } from './http.ts';
import { storedSubmission } from './stored.ts';

/** A story form whose text fields are plain strings. */
type StoryForm = FormFields & { title: string; body: string; penName: string };

/** A story that passes every check, different on every call so none is taken for a repeat. */
export function validStory(overrides: Partial<StoryForm> = {}): StoryForm {
	const marker = Math.random().toString(36).slice(2, 10);
	return {
		title: `Learning to ask for help ${marker}`,
		body: `The first weeks were the hardest. I went to a meeting every day and mostly listened. ${'Slowly the days got a little easier, and I started to believe I could do this. '.repeat(4)}(${marker})`,
		penName: 'Harbor',
		topics: ['alcohol', 'early-recovery'],
		contentWarnings: [],
		consent: 'on',
		...overrides,
	};
}

/** The signed form token a fresh /share page carries. */
export async function fetchFormToken(baseUrl = inject('baseUrl')): Promise<string> {
	const html = await (await fetch(siteUrl('/share', baseUrl))).text();
	return parse(html).querySelector('input[name="formToken"]')!.getAttribute('value')!;
}

/** Sends a story straight to the submit step, as the preview page's "Send" button does. */
export async function submitStory(fields: FormFields = validStory(), baseUrl = inject('baseUrl')) {
	const formToken = await fetchFormToken(baseUrl);
	const response = await postForm(
		'/share?_action=shareStory',
		{ formToken, ...fields, intent: 'submit' },
		{ baseUrl },
	);
	const html = await response.text();
	const receiptCode = parse(html).querySelector('#receipt-code')?.textContent ?? null;
	return { response, html, receiptCode };
}

/**
 * Shares a story and has a moderator publish it, through the real forms, on the server at
 * `baseUrl` whose database `store` is on; returns the published row and the receipt code.
 */
export async function shareAndPublish(
	store: Store,
	fields: FormFields = {},
	baseUrl = inject('baseUrl'),
) {
	const moderator = await createModerator({ store });
	const { cookie } = await signIn(moderator.username, moderator.password, baseUrl);
	const story = validStory(fields);
	const { receiptCode } = await submitStory(story, baseUrl);
	const shared = (await storedSubmission(store, { title: story.title }))!;
	await postForm(
		`/moderate/${shared.id}?_action=decideStory`,
		{ id: shared.id, version: String(shared.version), decision: 'publish' },
		{ baseUrl, headers: { cookie: cookie! } },
	);
	const row = (await storedSubmission(store, { id: shared.id }))!;
	return { row, receiptCode: receiptCode! };
}
