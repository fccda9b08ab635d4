import { decodeBase64 } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { parse } from 'node-html-parser';
import { expect, inject } from 'vitest';
import { addModerator, disableModerator } from '../../src/lib/server/moderators.ts';
import type { Store } from '../../db/store.ts';
import { postForm } from './http.ts';
import { openSharedServerStore } from './stored.ts';

let counter = 0;

/**
 * A new moderator on a test server's database (`store`'s, by default the shared server's);
 * returns the name and password.
 */
export async function createModerator(
	options: { admin?: boolean; disabled?: boolean; store?: Store } = {},
): Promise<{ username: string; password: string; id: string }> {
	counter += 1;
	const username = `mod${process.pid}x${counter}${Math.random().toString(36).slice(2, 6)}`;
	const password = `quiet-harbour-${Math.random().toString(36).slice(2)}-lantern`;
	const store = options.store ?? openSharedServerStore();
	try {
		const { id } = await addModerator(
			{ username, password, isAdmin: options.admin ?? false },
			store,
		);
		if (options.disabled) await disableModerator(username, {}, store);
		return { username, password, id };
	} finally {
		if (!options.store) await store.close();
	}
}

/** Signs in through the real form and returns the session cookie as a `Cookie` header value. */
export async function signIn(
	username: string,
	password: string,
	baseUrl = inject('baseUrl'),
): Promise<{ response: Response; cookie: string | null }> {
	const response = await postForm(
		'/moderate/login?_action=signIn',
		{ username, password },
		{ baseUrl },
	);
	const setCookie = response.headers
		.getSetCookie()
		.find((cookie) => cookie.startsWith('ct_moderator_session='));
	return { response, cookie: setCookie ? setCookie.split(';')[0]! : null };
}

/** The TOTP time step (30 s) a moment falls in. */
export function totpStepAt(time = Date.now()): number {
	return Math.floor(time / 30_000);
}

/** The 6-digit code an authenticator app shows for `key` (base64) in time step `step`. */
export function totpCode(key: string, step = totpStepAt()): string {
	return generateHOTP(decodeBase64(key), BigInt(step), 6);
}

/**
 * Scans the account page's key like an authenticator app would and turns the factor on.
 * Returns the key, the time step whose code was used (spent from then on) and the recovery codes.
 */
export async function enrolSecondFactor(
	cookie: string,
	baseUrl = inject('baseUrl'),
): Promise<{ key: string; enrolledStep: number; recoveryCodes: string[] }> {
	const account = parse(
		await (await fetch(new URL('/moderate/account', baseUrl), { headers: { cookie } })).text(),
	);
	expect(account.querySelector('.qr-code svg')).not.toBeNull();
	const key = account.querySelector('input[name="key"]')!.getAttribute('value')!;
	const enrolledStep = totpStepAt();
	const enrolled = parse(
		await (
			await postForm(
				'/moderate/account?_action=enrolSecondFactor',
				{ key, code: totpCode(key, enrolledStep) },
				{ baseUrl, headers: { cookie } },
			)
		).text(),
	);
	const recoveryCodes = enrolled
		.querySelectorAll('.recovery-codes code')
		.map((element) => element.textContent);
	expect(recoveryCodes).toHaveLength(8);
	return { key, enrolledStep, recoveryCodes };
}
