import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, postForm } from '../helpers/http.ts';
import { createModerator, signIn } from '../helpers/moderators.ts';
import { submitStory, validStory } from '../helpers/share.ts';
import { openSharedServerStore, storedSubmission } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

type Identity =
	'anonymous' | 'moderator' | 'admin' | 'disabled moderator' | 'expired session' | 'forged cookie';
const cookies = {} as Record<Identity, string | undefined>;
let storyId: string;

beforeAll(async () => {
	const moderator = await createModerator();
	const admin = await createModerator({ admin: true });
	const toDisable = await createModerator();
	const toExpire = await createModerator();
	cookies.anonymous = undefined;
	cookies.moderator = (await signIn(moderator.username, moderator.password)).cookie!;
	cookies.admin = (await signIn(admin.username, admin.password)).cookie!;
	cookies['disabled moderator'] = (await signIn(toDisable.username, toDisable.password)).cookie!;
	cookies['expired session'] = (await signIn(toExpire.username, toExpire.password)).cookie!;
	cookies['forged cookie'] = 'ct_moderator_session=forgedforgedforgedforgedforgedforged';
	await store.transact(({ query, tables: { sessions } }) =>
		query.update(sessions).set({ expiresAt: 1 }).where(eq(sessions.userId, toExpire.id)),
	);
	const { disableModerator } = await import('../../src/lib/server/moderators.ts');
	await disableModerator(toDisable.username, {}, store);
	storyId = await freshWaitingStory();
});

const IDENTITIES: Identity[] = [
	'anonymous',
	'moderator',
	'admin',
	'disabled moderator',
	'expired session',
	'forged cookie',
];
const signedOut = (identity: Identity) => !['moderator', 'admin'].includes(identity);

describe.each([
	['/moderate', 'moderator'],
	['/moderate/STORY', 'moderator'],
	['/moderate/account', 'moderator'],
	['/moderate/audit', 'admin'],
	['/moderate/moderators', 'admin'],
] as const)('GET %s (for a %s)', (route, need) => {
	it.each(IDENTITIES)('as %s', async (identity) => {
		const path = route.replace('STORY', storyId);
		const response = await get(path, {
			headers: cookies[identity] ? { cookie: cookies[identity] } : {},
		});
		expect(response.headers.get('cache-control')).toBe('no-store');
		if (signedOut(identity)) {
			expect(response.status).toBe(302);
			expect(response.headers.get('location')).toBe('/moderate/login');
		} else if (need === 'admin' && identity === 'moderator') {
			expect(response.status).toBe(403);
		} else {
			expect(response.status).toBe(200);
		}
	});
});

/** Each action, the fields it takes for a story, who may use it, and what that someone gets. */
const ACTIONS: [
	name: string,
	fields: (id: string) => Record<string, string | string[]>,
	need: 'moderator' | 'admin',
	allowedStatus: number,
][] = [
	['decideStory', (id) => ({ id, version: '1', decision: 'publish' }), 'moderator', 200],
	[
		'decideStory',
		(id) => ({ id, version: '1', decision: 'decline', reason: 'not-a-recovery-story' }),
		'moderator',
		200,
	],
	[
		'editStory',
		(id) => ({ id, version: '1', ...(validStory() as Record<string, string>) }),
		'moderator',
		200,
	],
	['startReviewing', (id) => ({ id }), 'moderator', 200],
	['bulkDeclineStories', (id) => ({ ids: [id] }), 'moderator', 200],
	['resolveStoryReports', (id) => ({ id, resolution: 'Checked it.' }), 'moderator', 200],
	// Allowed, but the code is wrong (and this moderator has no second factor).
	['removeSecondFactor', () => ({ code: '000000' }), 'moderator', 400],
	// Allowed, but there is no such moderator.
	['disableModeratorAccount', () => ({ username: 'nobody-here' }), 'admin', 404],
	// Allowed, but this admin has no second factor of their own yet.
	['setSecondFactorRequirement', () => ({ required: 'true' }), 'admin', 409],
];

async function freshWaitingStory(): Promise<string> {
	const story = validStory();
	await submitStory(story);
	return (await storedSubmission(store, { title: story.title }))!.id;
}

describe.each(ACTIONS)(
	'POST the %s action as someone allowed',
	(action, fields, need, allowedStatus) => {
		it(`answers ${allowedStatus}`, async () => {
			const id = await freshWaitingStory();
			const response = await postForm(`/_actions/${action}`, fields(id), {
				headers: { cookie: cookies[need]! },
			});
			expect(response.status).toBe(allowedStatus);
		});
	},
);

/** The story, the site settings and the story's audit events, as stored now. */
async function storedState() {
	const story = await storedSubmission(store, { id: storyId });
	return store.read(async ({ query, tables: { moderationEvents, siteSettings } }) => ({
		story,
		settings: await query.select().from(siteSettings),
		events: (
			await query.select().from(moderationEvents).where(eq(moderationEvents.submissionId, storyId))
		).length,
	}));
}

describe.each(ACTIONS)('POST the %s action', (action, fields, need) => {
	it.each(
		IDENTITIES.filter(
			(identity) => signedOut(identity) || (need === 'admin' && identity === 'moderator'),
		),
	)('as %s is refused and changes nothing', async (identity) => {
		const before = await storedState();
		const headers: Record<string, string> = cookies[identity] ? { cookie: cookies[identity] } : {};
		// Straight to the action endpoint: the action's own answer.
		const direct = await postForm(`/_actions/${action}`, fields(storyId), { headers });
		expect(direct.status).toBe(signedOut(identity) ? 401 : 403);
		// As a page form post: the page then sends the visitor to sign in (or refuses).
		const viaPage = await postForm(`/moderate?_action=${action}`, fields(storyId), { headers });
		expect([302, 401, 403]).toContain(viaPage.status);
		expect(await storedState()).toEqual(before);
	});
});

describe('the origin check', () => {
	it('refuses a moderator action posted from another site, even with a valid session', async () => {
		const response = await postForm(
			'/moderate?_action=decideStory',
			{ id: storyId, version: '1', decision: 'publish' },
			{
				origin: 'https://evil.example',
				headers: { cookie: cookies.admin! },
			},
		);
		expect(response.status).toBe(403);
		expect((await storedSubmission(store, { id: storyId }))!.status).toBe('pending');
	});
});
