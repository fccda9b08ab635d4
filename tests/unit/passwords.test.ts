import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../src/lib/common-passwords.ts';
import {
	checkPasswordStrength,
	hashPassword,
	verifyAgainstDummy,
	verifyPassword,
} from '../../src/lib/server/passwords.ts';

describe('checkPasswordStrength', () => {
	it.each([
		['too short', 'short-pass1', undefined, /at least 12 characters/],
		['too long', 'x'.repeat(200) + 'y'.repeat(57), undefined, /at most 256 characters/],
		['common', 'passwordpassword', undefined, /most common/],
		['common, in capitals', 'PasswordPassword', undefined, /most common/],
		['common plus digits', 'password1234', undefined, /most common/],
		['common plus digits and punctuation', 'Qwerty!!2024', undefined, /most common/],
		['common with a prefix', '2024!iloveyou', undefined, /most common/],
		['common in look-alike digits', 'P@ssw0rd2024!', undefined, /most common/],
		['common with separators', 'common thread', undefined, /most common/],
		['the site name', 'common-thread', undefined, /most common/],
		['all digits from the list', '123456789012', undefined, /most common/],
		['containing the username', 'my-alice-is-lovely', 'alice', /username/],
		['containing the username in capitals', 'xxALICExxyyzz', 'Alice', /username/],
		['one repeated character', 'zzzzzzzzzzzzzz', undefined, /repeated/],
	])('refuses a password that is %s', (_, password, username, message) => {
		expect(checkPasswordStrength(password, username)).toMatch(message);
	});

	it.each([
		['a passphrase', 'violet harbor lantern', undefined],
		['a common word inside a longer phrase', 'password-is-not-my-thing', undefined],
		['twelve mixed characters', 'k7#Qp2!vRz9w', 'alice'],
		['a password that mentions someone else', 'bob-and-carol-at-sea', 'alice'],
		['exactly 256 characters', 'ab'.repeat(128), undefined],
	])('accepts %s', (_, password, username) => {
		expect(checkPasswordStrength(password, username)).toBeNull();
	});

	it('counts characters, not UTF-16 units', () => {
		// Eleven emoji are 22 UTF-16 units but still too short.
		expect(checkPasswordStrength('🌱🌿🌳🌲🍀🌾🌵🌴🌸🌻🌼')).toMatch(/at least 12/);
	});

	it('keeps the built-in list lower-cased', () => {
		expect(COMMON_PASSWORDS.size).toBeGreaterThan(150);
		for (const password of COMMON_PASSWORDS) expect(password).toBe(password.toLowerCase());
	});
});

describe('hashing', () => {
	const password = 'violet harbor lantern';

	it('hashes with argon2id and the OWASP parameters, a fresh salt each time', async () => {
		const first = await hashPassword(password);
		expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(await hashPassword(password)).not.toBe(first);
	});

	it('verifies the right password and refuses a wrong one', async () => {
		const stored = await hashPassword(password);
		expect(await verifyPassword(stored, password)).toBe(true);
		expect(await verifyPassword(stored, 'violet harbor lanterns')).toBe(false);
	});

	it.each(['', 'not a hash', '$argon2id$v=19$m=19456,t=2,p=1$broken', '$2b$10$abcdefghijklmnop'])(
		'answers false for a malformed hash %j instead of throwing',
		async (malformed) => {
			await expect(verifyPassword(malformed, password)).resolves.toBe(false);
		},
	);

	it('runs a real verification for unknown users and always refuses', async () => {
		await expect(verifyAgainstDummy(password)).resolves.toBe(false);
		await expect(verifyAgainstDummy('')).resolves.toBe(false);
	});
});
