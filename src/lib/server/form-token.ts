import { createHmac, timingSafeEqual } from 'node:crypto';
import { getAppSecret } from './app-secrets.ts';

export type FormTokenCheck = 'ok' | 'too-fast' | 'invalid';

function sign(issuedAt: number, secret: Buffer): string {
	return createHmac('sha256', secret).update(`share-form:${issuedAt}`).digest('base64url');
}

/**
 * A hidden field that carries when the form was first shown, signed so it cannot be
 * forged. It holds no identity: only a time, and it is never stored.
 */
export function issueFormToken(now = Date.now(), secret = getAppSecret('form-token')): string {
	const issuedAt = Math.floor(now / 1000);
	return `${issuedAt}.${sign(issuedAt, secret)}`;
}

/**
 * `too-fast` when the form came back sooner than a person could have written it,
 * `invalid` when the token is missing, forged or from the future.
 */
export function checkFormToken(
	token: string | null | undefined,
	minimumSeconds: number,
	now = Date.now(),
	secret = getAppSecret('form-token'),
): FormTokenCheck {
	const match = /^(\d{1,12})\.([\w-]{43})$/.exec(token ?? '');
	if (!match) return 'invalid';
	const issuedAt = Number(match[1]);
	const expected = Buffer.from(sign(issuedAt, secret));
	const given = Buffer.from(match[2]!);
	if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
	const elapsedSeconds = now / 1000 - issuedAt;
	if (elapsedSeconds < -60) return 'invalid';
	return elapsedSeconds < minimumSeconds ? 'too-fast' : 'ok';
}
