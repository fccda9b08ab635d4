import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { textOf } from '../helpers/html.ts';
import { get, postForm } from '../helpers/http.ts';
import { createModerator, enrolSecondFactor, signIn } from '../helpers/moderators.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { submitStory, validStory } from '../helpers/share.ts';
import { openSharedServerStore, storedAuditEvents, storedSubmission } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

async function waitingStory() {
	const story = validStory();
	const { receiptCode } = await submitStory(story);
	const row = (await storedSubmission(store, { title: story.title }))!;
	return { row, receiptCode: receiptCode!, story };
}

const as = (cookie: string) => ({ headers: { cookie } });

describe('signing in', () => {
	it('sets an HttpOnly, SameSite=Lax session cookie (not Secure on localhost) and audits it', async () => {
		const moderator = await createModerator();
		const { response, cookie } = await signIn(moderator.username, moderator.password);
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toBe('/moderate');
		const setCookie = response.headers
			.getSetCookie()
			.find((value) => value.startsWith('ct_moderator_session='))!;
		expect(setCookie).toMatch(/HttpOnly/i);
		expect(setCookie).toMatch(/SameSite=Lax/i);
		expect(setCookie).not.toMatch(/Secure/i);
		expect((await get('/moderate', as(cookie!))).status).toBe(200);
		const events = await storedAuditEvents(store, { moderatorId: moderator.id });
		expect(events.map((event) => event.action)).toContain('signed-in');
	});

	it('gives one generic answer to a wrong password and to an unknown name', async () => {
		const moderator = await createModerator();
		const wrong = await postForm('/moderate/login?_action=signIn', {
			username: moderator.username,
			password: 'not-the-password-at-all',
		});
		const unknown = await postForm('/moderate/login?_action=signIn', {
			username: 'nobody-by-this-name',
			password: 'not-the-password-at-all',
		});
		const message = async (response: Response) =>
			textOf(parse(await response.text()).querySelector('.form-problem p'));
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(await message(wrong)).toBe(await message(unknown));
		expect(wrong.headers.getSetCookie()).toEqual([]);
	});

	it('signs out with a POST that ends the session and clears site data', async () => {
		const moderator = await createModerator();
		const { cookie } = await signIn(moderator.username, moderator.password);
		const response = await postForm('/moderate/login?_action=signOut', {}, as(cookie!));
		expect(response.status).toBe(200);
		expect(response.headers.get('clear-site-data')).toContain('"cookies"');
		expect(response.headers.getSetCookie().join()).toMatch(
			/ct_moderator_session=deleted;.*Expires=Thu, 01 Jan 1970/,
		);
		expect((await get('/moderate', as(cookie!))).status).toBe(302);
	});
});

describe('sign-in limits and timing (a server of its own)', () => {
	let server: RunningServer;
	let serverStore: Store;
	beforeAll(async () => {
		server = await startServer();
		serverStore = server.openStore();
	});
	afterAll(async () => {
		await serverStore?.close();
		await server?.stop();
	});

	it('stops an address after 5 wrong passwords for a name, with a message saying when to retry', async () => {
		const moderator = await createModerator({ store: serverStore });
		const attempt = (password: string) =>
			postForm(
				'/moderate/login?_action=signIn',
				{ username: moderator.username, password },
				{ baseUrl: server.baseUrl },
			);
		for (let i = 0; i < 5; i++) expect((await attempt('wrong-password-here')).status).toBe(401);
		const locked = await attempt(moderator.password);
		expect(locked.status).toBe(429);
		expect(textOf(parse(await locked.text()).querySelector('.form-problem'))).toMatch(
			/try again in \d+ minutes?/,
		);
	});

	it('takes about as long for an unknown name as for a wrong password', async () => {
		const moderator = await createModerator({ store: serverStore });
		const time = async (username: string) => {
			const started = performance.now();
			await postForm(
				'/moderate/login?_action=signIn',
				{ username, password: 'definitely-wrong-pass' },
				{ baseUrl: server.baseUrl },
			);
			return performance.now() - started;
		};
		const median = (values: number[]) =>
			values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;
		const unknown: number[] = [];
		const wrong: number[] = [];
		for (let i = 0; i < 4; i++) {
			unknown.push(await time(`unknown-${i}-name`));
			wrong.push(await time(moderator.username));
		}
		const ratio = median(unknown) / median(wrong);
		expect(ratio).toBeGreaterThan(0.33);
		expect(ratio).toBeLessThan(3);
	});
});

describe('reviewing', () => {
	it('opening a story reserves nothing; "Start reviewing" claims it, shown to everyone else', async () => {
		const [alice, bob] = [await createModerator(), await createModerator()];
		const aliceCookie = (await signIn(alice.username, alice.password)).cookie!;
		const bobCookie = (await signIn(bob.username, bob.password)).cookie!;
		const { row } = await waitingStory();
		const claimedEvents = async () =>
			(await storedAuditEvents(store, { submissionId: row.id })).filter(
				(event) => event.action === 'claimed',
			);
		const reviewPage = async (cookie: string) =>
			parse(await (await get(`/moderate/${row.id}`, as(cookie))).text());

		const opened = await reviewPage(aliceCookie);
		expect(opened.querySelector('form[action$="startReviewing"] button')).not.toBeNull();
		expect(await storedSubmission(store, { id: row.id })).toEqual(row);
		expect(await claimedEvents()).toEqual([]);

		const started = await postForm(
			`/moderate/${row.id}?_action=startReviewing`,
			{ id: row.id },
			as(aliceCookie),
		);
		expect(started.status).toBe(302);
		expect(started.headers.get('location')).toBe(`/moderate/${row.id}`);
		expect(await claimedEvents()).toMatchObject([{ moderatorId: alice.id }]);
		const mine = await reviewPage(aliceCookie);
		expect(textOf(mine.querySelector('.notice[role="status"]'))).toMatch(/^You are reviewing/);

		const theirs = await reviewPage(bobCookie);
		expect(textOf(theirs.querySelector('.notice[role="status"]'))).toContain(
			`${alice.username} is reviewing this story`,
		);
		expect(theirs.querySelector('form[action$="startReviewing"]')).toBeNull();
		const refused = await postForm(
			`/moderate/${row.id}?_action=startReviewing`,
			{ id: row.id },
			as(bobCookie),
		);
		expect(refused.status).toBe(409);
		expect(await claimedEvents()).toHaveLength(1);
	});
});

describe('deciding', () => {
	it('publishes a waiting story, which then appears on /stories, its topic page and its own page', async () => {
		const moderator = await createModerator();
		const { cookie } = await signIn(moderator.username, moderator.password);
		const { row } = await waitingStory();
		const review = parse(await (await get(`/moderate/${row.id}`, as(cookie!))).text());
		expect(textOf(review.querySelector('h1'))).toBe(row.title);
		const response = await postForm(
			`/moderate/${row.id}?_action=decideStory`,
			{ id: row.id, version: String(row.version), decision: 'publish' },
			as(cookie!),
		);
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toBe('/moderate?done=publish');
		const slug = (await storedSubmission(store, { id: row.id }))!.slug!;
		const storyPage = await get(`/stories/${slug}`);
		expect(storyPage.status).toBe(200);
		const page = parse(await storyPage.text());
		expect(textOf(page.querySelector('h1'))).toBe(row.title);
		expect(textOf(page.querySelector('.piece-meta'))).toContain('Shared anonymously');
		expect(await (await get('/stories')).text()).toContain(`/stories/${slug}`);
		expect(await (await get(`/topics/${row.topics[0]}`)).text()).toContain(`/stories/${slug}`);
	});

	it('answers 410 Gone once a published story is unpublished, and again after withdrawal', async () => {
		const moderator = await createModerator();
		const { cookie } = await signIn(moderator.username, moderator.password);
		const { row, receiptCode } = await waitingStory();
		await postForm(
			`/moderate/${row.id}?_action=decideStory`,
			{ id: row.id, version: String(row.version), decision: 'publish' },
			as(cookie!),
		);
		const published = (await storedSubmission(store, { id: row.id }))!;
		await postForm(
			`/moderate/${row.id}?_action=decideStory`,
			{ id: row.id, version: String(published.version), decision: 'unpublish', note: 'Reported' },
			as(cookie!),
		);
		expect((await get(`/stories/${published.slug}`)).status).toBe(410);
		expect(await (await get('/stories')).text()).not.toContain(published.slug!);
		await postForm('/my-story?_action=withdrawMyStory', { code: receiptCode, intent: 'withdraw' });
		expect((await get(`/stories/${published.slug}`)).status).toBe(410);
	});

	it('shows a clear message and the current version when the story changed meanwhile', async () => {
		const moderator = await createModerator();
		const { cookie } = await signIn(moderator.username, moderator.password);
		const { row, receiptCode, story } = await waitingStory();
		await postForm('/my-story?_action=reviseMyStory', {
			code: receiptCode,
			...story,
			title: `${story.title} (edited)`,
			intent: 'submit',
		});
		const response = await postForm(
			`/moderate/${row.id}?_action=decideStory`,
			{ id: row.id, version: String(row.version), decision: 'publish' },
			as(cookie!),
		);
		expect(response.status).toBe(409);
		const page = parse(await response.text());
		expect(textOf(page.querySelector('.form-problem'))).toMatch(/changed while you were looking/);
		expect(textOf(page.querySelector('h1'))).toBe(`${story.title} (edited)`);
		expect((await storedSubmission(store, { id: row.id }))!.status).toBe('pending');
	});

	it('declines with a reason and a note that the writer sees at /my-story', async () => {
		const moderator = await createModerator();
		const { cookie } = await signIn(moderator.username, moderator.password);
		const { row, receiptCode } = await waitingStory();
		await postForm(
			`/moderate/${row.id}?_action=decideStory`,
			{
				id: row.id,
				version: String(row.version),
				decision: 'decline',
				reason: 'identifying-details',
				note: 'Please remove the employer.',
			},
			as(cookie!),
		);
		const status = parse(
			await (await postForm('/my-story?_action=lookUpMyStory', { code: receiptCode })).text(),
		);
		expect(textOf(status.querySelector('#status-heading'))).toBe('Status: Declined');
		expect(textOf(status.querySelector('.decision-reason'))).toMatch(/identifies someone/i);
		expect(textOf(status.querySelector('.decision-reason'))).toContain(
			'Please remove the employer.',
		);
	});

	it('refuses to decline without a reason', async () => {
		const moderator = await createModerator();
		const { cookie } = await signIn(moderator.username, moderator.password);
		const { row } = await waitingStory();
		const response = await postForm(
			`/moderate/${row.id}?_action=decideStory`,
			{ id: row.id, version: String(row.version), decision: 'decline' },
			as(cookie!),
		);
		expect(response.status).toBe(400);
		expect((await storedSubmission(store, { id: row.id }))!.status).toBe('pending');
	});
});

describe('the second factor', () => {
	it('can be turned on, is then asked for at sign-in, and a recovery code works once', async () => {
		const moderator = await createModerator();
		const { cookie } = await signIn(moderator.username, moderator.password);
		const { recoveryCodes } = await enrolSecondFactor(cookie!);

		const second = await signIn(moderator.username, moderator.password);
		expect(second.response.headers.get('location')).toBe('/moderate/login/verify');
		expect((await get('/moderate', as(second.cookie!))).headers.get('location')).toBe(
			'/moderate/login/verify',
		);
		const wrongCode = await postForm(
			'/moderate/login/verify?_action=verifySignInCode',
			{ code: '000000' },
			as(second.cookie!),
		);
		expect(wrongCode.status).toBe(401);
		const verified = await postForm(
			'/moderate/login/verify?_action=verifySignInCode',
			{ code: recoveryCodes[0]! },
			as(second.cookie!),
		);
		expect(verified.headers.get('location')).toBe('/moderate');
		expect((await get('/moderate', as(second.cookie!))).status).toBe(200);

		const third = await signIn(moderator.username, moderator.password);
		const reused = await postForm(
			'/moderate/login/verify?_action=verifySignInCode',
			{ code: recoveryCodes[0]! },
			as(third.cookie!),
		);
		expect(reused.status).toBe(401);
	});

	it('when an admin requires it, sends a moderator without one to set it up', async () => {
		const admin = await createModerator({ admin: true });
		const moderator = await createModerator();
		const adminSession = await signIn(admin.username, admin.password);
		const refused = await postForm(
			'/moderate/moderators?_action=setSecondFactorRequirement',
			{ required: 'true' },
			as(adminSession.cookie!),
		);
		expect(refused.status).toBe(409);
		await enrolSecondFactor(adminSession.cookie!);
		await postForm(
			'/moderate/moderators?_action=setSecondFactorRequirement',
			{ required: 'true' },
			as(adminSession.cookie!),
		);
		try {
			const { cookie } = await signIn(moderator.username, moderator.password);
			const response = await get('/moderate', as(cookie!));
			expect(response.headers.get('location')).toBe('/moderate/account');
			expect((await get('/moderate/account', as(cookie!))).status).toBe(200);
		} finally {
			await postForm(
				'/moderate/moderators?_action=setSecondFactorRequirement',
				{},
				as(adminSession.cookie!),
			);
		}
	});
});

describe('admins', () => {
	it('disable a moderator, who loses access at the next request', async () => {
		const admin = await createModerator({ admin: true });
		const moderator = await createModerator();
		const adminSession = await signIn(admin.username, admin.password);
		const { cookie } = await signIn(moderator.username, moderator.password);
		expect((await get('/moderate', as(cookie!))).status).toBe(200);
		const response = await postForm(
			'/moderate/moderators?_action=disableModeratorAccount',
			{ username: moderator.username },
			as(adminSession.cookie!),
		);
		expect(response.status).toBe(200);
		expect((await get('/moderate', as(cookie!))).status).toBe(302);
	});

	it('see and filter the audit trail', async () => {
		const admin = await createModerator({ admin: true });
		const { cookie } = await signIn(admin.username, admin.password);
		const page = parse(
			await (
				await get(`/moderate/audit?action=signed-in&moderator=${admin.id}`, as(cookie!))
			).text(),
		);
		const rows = page.querySelectorAll('.audit-table tbody tr');
		expect(rows.length).toBeGreaterThanOrEqual(1);
		for (const row of rows) {
			const cells = row.querySelectorAll('td').map((cell) => textOf(cell));
			expect(cells.slice(1, 3)).toEqual([admin.username, 'signed-in']);
		}
	});
});
