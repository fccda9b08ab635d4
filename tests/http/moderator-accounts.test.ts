import { eq } from 'drizzle-orm';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { textOf } from '../helpers/html.ts';
import { postFormFrom } from '../helpers/from-address.ts';
import { postForm } from '../helpers/http.ts';
import {
	createModerator,
	enrolSecondFactor,
	signIn,
	totpCode,
	totpStepAt,
} from '../helpers/moderators.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/** A server of its own: these tests run the limits down on purpose. */
let server: RunningServer;
let store: Store;
beforeAll(async () => {
	server = await startServer();
	store = server.openStore();
});
afterAll(async () => {
	await store?.close();
	await server?.stop();
});

const as = (cookie: string) => ({ baseUrl: server.baseUrl, headers: { cookie } });
const problemIn = async (response: Response) =>
	textOf(parse(await response.text()).querySelector('.form-problem'));

/** A 6-digit code that is certainly not one the key gives around now. */
function wrongCode(key: string): string {
	const near = new Set([-2, -1, 0, 1, 2].map((offset) => totpCode(key, totpStepAt() + offset)));
	let candidate = 100_000;
	while (near.has(String(candidate))) candidate += 1;
	return String(candidate);
}

/** A moderator with a second factor, signed in up to the code step on a fresh session. */
async function moderatorWithSecondFactor() {
	const moderator = await createModerator({ store });
	const first = await signIn(moderator.username, moderator.password, server.baseUrl);
	const enrolment = await enrolSecondFactor(first.cookie!, server.baseUrl);
	const halfSignedIn = async () => {
		const { response, cookie } = await signIn(
			moderator.username,
			moderator.password,
			server.baseUrl,
		);
		expect(response.headers.get('location')).toBe('/moderate/login/verify');
		return cookie!;
	};
	return { ...moderator, ...enrolment, firstCookie: first.cookie!, halfSignedIn };
}

const sendCode = (cookie: string, code: string) =>
	postForm('/moderate/login/verify?_action=verifySignInCode', { code }, as(cookie));

const queueStatus = async (cookie: string) =>
	(await fetch(new URL('/moderate', server.baseUrl), { headers: { cookie }, redirect: 'manual' }))
		.status;

const passwordCheck = (from: string, username: string, password: string) =>
	postFormFrom(from, '/moderate/login?_action=signIn', { username, password }, server);

describe('second-factor codes cannot be guessed', () => {
	it('ends a sign-in after 5 wrong codes: the right code then fails and the password is asked again', async () => {
		const moderator = await moderatorWithSecondFactor();
		const cookie = await moderator.halfSignedIn();
		const answers: Response[] = [];
		for (let i = 0; i < 5; i++) answers.push(await sendCode(cookie, wrongCode(moderator.key)));
		expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
		expect(await problemIn(answers[4]!)).toMatch(/signed out.*sign in again/i);
		const right = await sendCode(cookie, totpCode(moderator.key, moderator.enrolledStep + 1));
		expect(right.headers.get('location')).toBe('/moderate/login');
		const queue = await fetch(new URL('/moderate', server.baseUrl), {
			headers: { cookie },
			redirect: 'manual',
		});
		expect(queue.headers.get('location')).toBe('/moderate/login');
	});

	it('slows the whole account after wrong codes across sign-ins: even the right code must wait', async () => {
		const moderator = await moderatorWithSecondFactor();
		for (let attempt = 0; attempt < 2; attempt++) {
			const cookie = await moderator.halfSignedIn();
			for (let i = 0; i < 5; i++) await sendCode(cookie, wrongCode(moderator.key));
		}
		const cookie = await moderator.halfSignedIn();
		const right = await sendCode(cookie, totpCode(moderator.key, moderator.enrolledStep + 1));
		expect(right.status).toBe(429);
		expect(await problemIn(right)).toMatch(/try again in \d+ (seconds?|minutes?)/);
		expect(await queueStatus(cookie)).toBe(302);
	});

	it('refuses a code that was already used, also within the same 30 seconds', async () => {
		const moderator = await moderatorWithSecondFactor();
		// The code typed to turn the factor on is spent too.
		const enrolCode = totpCode(moderator.key, moderator.enrolledStep);
		const replayedEnrolment = await sendCode(await moderator.halfSignedIn(), enrolCode);
		expect(replayedEnrolment.status).toBe(401);

		const fresh = totpCode(moderator.key, moderator.enrolledStep + 1);
		const firstCookie = await moderator.halfSignedIn();
		expect((await sendCode(firstCookie, fresh)).headers.get('location')).toBe('/moderate');
		expect(await queueStatus(firstCookie)).toBe(200);

		const secondCookie = await moderator.halfSignedIn();
		const replayed = await sendCode(secondCookie, fresh);
		expect(replayed.status).toBe(401);
		expect(await queueStatus(secondCookie)).toBe(302);
	});

	it('counts wrong recovery codes like wrong codes, and a recovery code works once', async () => {
		const moderator = await moderatorWithSecondFactor();
		const cookie = await moderator.halfSignedIn();
		for (let i = 0; i < 5; i++) {
			expect((await sendCode(cookie, `AAAA-BBBB-CC${i}C`)).status).toBe(401);
		}
		const right = await sendCode(cookie, moderator.recoveryCodes[0]!);
		expect(right.headers.get('location')).toBe('/moderate/login');

		const next = await moderator.halfSignedIn();
		expect((await sendCode(next, moderator.recoveryCodes[0]!)).headers.get('location')).toBe(
			'/moderate',
		);
		const again = await moderator.halfSignedIn();
		expect((await sendCode(again, moderator.recoveryCodes[0]!)).status).toBe(401);
	});
});

describe('replacing or turning off the second factor', () => {
	const storedKeyOf = async (id: string) => {
		const [row] = await store.read(({ query, tables: { moderators } }) =>
			query.select().from(moderators).where(eq(moderators.id, id)),
		);
		return row!.totpKey;
	};
	const newKey = Buffer.alloc(20, 7).toString('base64');

	it('refuses to swap the key without the current code or a recovery code', async () => {
		const moderator = await moderatorWithSecondFactor();
		const swapped = await postForm(
			'/moderate/account?_action=enrolSecondFactor',
			{ key: newKey, code: totpCode(newKey) },
			as(moderator.firstCookie),
		);
		expect(swapped.status).toBe(400);
		expect(await storedKeyOf(moderator.id)).toBe(moderator.key);

		const wrong = await postForm(
			'/moderate/account?_action=enrolSecondFactor',
			{ key: newKey, code: totpCode(newKey), currentCode: wrongCode(moderator.key) },
			as(moderator.firstCookie),
		);
		expect(wrong.status).toBe(400);
		expect(await storedKeyOf(moderator.id)).toBe(moderator.key);
	});

	it('swaps the key with a recovery code', async () => {
		const moderator = await moderatorWithSecondFactor();
		const swapped = await postForm(
			'/moderate/account?_action=enrolSecondFactor',
			{ key: newKey, code: totpCode(newKey), currentCode: moderator.recoveryCodes[1]! },
			as(moderator.firstCookie),
		);
		expect(swapped.status).toBe(200);
		expect(await storedKeyOf(moderator.id)).toBe(newKey);
	});

	it('counts wrong codes when turning it off: after 5 the session ends and the factor stays', async () => {
		const moderator = await moderatorWithSecondFactor();
		for (let i = 0; i < 5; i++) {
			const refused = await postForm(
				'/moderate/account?_action=removeSecondFactor',
				{ code: wrongCode(moderator.key) },
				as(moderator.firstCookie),
			);
			expect(refused.status).toBe(400);
		}
		expect(await queueStatus(moderator.firstCookie)).toBe(302);
		expect(await storedKeyOf(moderator.id)).toBe(moderator.key);
	});
});

describe('no one can lock a moderator out from elsewhere', () => {
	it('throttles wrong passwords from one address without stopping the right one from another', async () => {
		const moderator = await createModerator({ store });
		for (let i = 0; i < 5; i++) {
			const wrong = await passwordCheck('127.0.0.2', moderator.username, 'wrong-password-here');
			expect(wrong.status).toBe(401);
		}
		const attacker = await passwordCheck('127.0.0.2', moderator.username, moderator.password);
		expect(attacker.status).toBe(429);
		const owner = await passwordCheck('127.0.0.1', moderator.username, moderator.password);
		expect(owner.status).toBe(302);
		expect(owner.location).toBe('/moderate');
	});

	it('lets one address try only so many wrong passwords in all, whichever names it tries', async () => {
		const names = Array.from({ length: 5 }, (_, index) => `nobody-${index}-${Date.now()}`);
		const statuses: number[] = [];
		for (const name of names) {
			for (let i = 0; i < 4; i++) {
				statuses.push((await passwordCheck('127.0.0.3', name, 'wrong-password-here')).status);
			}
		}
		expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
		const moderator = await createModerator({ store });
		const next = await passwordCheck('127.0.0.3', moderator.username, moderator.password);
		expect(next.status).toBe(429);
		expect((await passwordCheck('127.0.0.4', moderator.username, moderator.password)).status).toBe(
			302,
		);
	});
});
