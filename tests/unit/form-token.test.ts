import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkFormToken, formTokenFor, issueFormToken } from '../../src/lib/server/form-token.ts';

describe('checkFormToken', async () => {
	const secret = randomBytes(32);
	const shownAt = Date.UTC(2026, 5, 1, 12);
	const token = await issueFormToken(shownAt, secret);

	it('accepts a form sent back after the minimum time', async () => {
		expect(await checkFormToken(token, 3, shownAt + 60_000, secret)).toBe('ok');
	});

	it('takes a form sent back faster than a person could write for a bot', async () => {
		expect(await checkFormToken(token, 3, shownAt + 1_000, secret)).toBe('too-fast');
	});

	it.each([
		['missing', undefined],
		['empty', ''],
		['garbage', 'not-a-token'],
		['signed with another secret', await issueFormToken(shownAt, randomBytes(32))],
		['with a changed time', token.replace(/^\d+/, String(Math.floor(shownAt / 1000) - 3600))],
		['with a changed signature', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')],
		['from the future', await issueFormToken(shownAt + 3_600_000, secret)],
	])('refuses a token that is %s', async (_case, given) => {
		expect(await checkFormToken(given, 3, shownAt + 60_000, secret)).toBe('invalid');
	});
});

describe('issueFormToken', () => {
	it('gives two forms shown in the same second different tokens', async () => {
		const secret = randomBytes(32);
		const shownAt = Date.UTC(2026, 5, 1, 12);
		expect(await issueFormToken(shownAt, secret)).not.toBe(await issueFormToken(shownAt, secret));
	});
});

describe('formTokenFor', async () => {
	const secret = randomBytes(32);
	const now = Date.UTC(2026, 5, 1, 12);

	it('keeps the token a form was posted with, so a repeat of that form is recognised', async () => {
		const token = await issueFormToken(now - 60_000, secret);
		expect(await formTokenFor(token, now, secret)).toBe(token);
	});

	it.each([null, '', '1.forged', await issueFormToken(now, randomBytes(32))])(
		'issues a fresh token in place of %j',
		async (posted) => {
			const fresh = await formTokenFor(posted, now, secret);
			expect(fresh).not.toBe(posted);
			expect(await checkFormToken(fresh, 0, now, secret)).toBe('ok');
		},
	);
});
