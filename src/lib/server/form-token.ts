import {
	createHmac,
	createSecretKey,
	randomBytes,
	timingSafeEqual,
	type KeyObject,
} from 'node:crypto';
import { getAppSecret } from './app-secrets.ts';

export type FormTokenCheck = 'ok' | 'too-fast' | 'invalid';

/**
 * The secret as a KeyObject, made once: an HMAC keyed with a Buffer prepares the key again
 * at every call, which costs several times the hashing itself (every share form and post).
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObjectOf(secret: Buffer): KeyObject {
	let key = keyObjects.get(secret);
	if (!key) keyObjects.set(secret, (key = createSecretKey(secret)));
	return key;
}

function sign(issuedAt: number, nonce: string, secret: Buffer): string {
	return createHmac('sha256', keyObjectOf(secret))
		.update(`share-form:${issuedAt}:${nonce}`)
		.digest('base64url');
}

const FORM_TOKEN = /^(\d{1,12})\.([\w-]{22})\.([\w-]{43})$/;

/**
 * A hidden field that carries when the form was first shown, signed so it cannot be
 * forged. It holds no identity: only a time and 128 random bits, so that no two forms
 * shown (in two browsers, even in the same second) carry the same token. Only the browser
 * the form was shown in holds it; the server never stores it.
 */
export async function issueFormToken(now = Date.now(), secret?: Buffer): Promise<string> {
	return issueWith(now, secret ?? (await getAppSecret('form-token')));
}

function issueWith(now: number, secret: Buffer): string {
	const issuedAt = Math.floor(now / 1000);
	const nonce = randomBytes(16).toString('base64url');
	return `${issuedAt}.${nonce}.${sign(issuedAt, nonce, secret)}`;
}

/**
 * `too-fast` when the form came back sooner than a person could have written it,
 * `invalid` when the token is missing, forged or from the future.
 */
export async function checkFormToken(
	token: string | null | undefined,
	minimumSeconds: number,
	now = Date.now(),
	secret?: Buffer,
): Promise<FormTokenCheck> {
	return checkWith(token, minimumSeconds, now, secret ?? (await getAppSecret('form-token')));
}

function checkWith(
	token: string | null | undefined,
	minimumSeconds: number,
	now: number,
	secret: Buffer,
): FormTokenCheck {
	const match = FORM_TOKEN.exec(token ?? '');
	if (!match) return 'invalid';
	const issuedAt = Number(match[1]);
	const expected = Buffer.from(sign(issuedAt, match[2]!, secret));
	const given = Buffer.from(match[3]!);
	if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
	const elapsedSeconds = now / 1000 - issuedAt;
	if (elapsedSeconds < -60) return 'invalid';
	return elapsedSeconds < minimumSeconds ? 'too-fast' : 'ok';
}

/**
 * The token the form should carry on: the one it was posted with while that one holds (so a
 * post repeated from the same form is recognised as a repeat), a fresh one otherwise — a form
 * posted with an expired or forged token could never be sent again.
 */
export async function formTokenFor(
	posted: string | null | undefined,
	now = Date.now(),
	secret?: Buffer,
): Promise<string> {
	const key = secret ?? (await getAppSecret('form-token'));
	return posted && checkWith(posted, 0, now, key) !== 'invalid' ? posted : issueWith(now, key);
}
