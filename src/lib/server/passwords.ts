/**
 * Moderator passwords: argon2id hashing and the strength rules. Only hashes are stored;
 * a password is never logged, audited or kept once it has been hashed or checked.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from '../common-passwords.ts';

const PASSWORD_MINIMUM_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing it is never a burden. */
const PASSWORD_MAXIMUM_LENGTH = 256;

// `Algorithm` is a const enum, which isolated-module type stripping cannot inline:
// 2 is its Argon2id member.
const ARGON2ID: Algorithm = 2;

/** OWASP's recommended argon2id settings: 19 MiB of memory, 2 passes, 1 lane. */
const HASH_OPTIONS: Options = {
	algorithm: ARGON2ID,
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1,
};

/** Hashes a password with argon2id; the result is a PHC string (`$argon2id$…`) with its salt. */
export async function hashPassword(password: string): Promise<string> {
	return hash(password, HASH_OPTIONS);
}

/**
 * Whether the password matches the stored hash. Never throws: a malformed or empty hash
 * answers `false`, so a damaged row cannot turn a sign-in into a server error.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

let dummyPasswordHash: Promise<string> | undefined;

/**
 * Runs a real argon2 verification against a throwaway hash and answers `false`. Sign-in
 * calls it for unknown usernames, so that they take as long as a wrong password and the
 * timing does not reveal which names exist. The hash is made once, on first use.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummyPasswordHash ??= hashPassword(randomBytes(32).toString('base64url'));
	await verifyPassword(await dummyPasswordHash, password);
	return false;
}

// Digits, punctuation, symbols and spaces: what people tack onto a word to meet a rule.
const PADDING_AT_ENDS = /^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu;
const SEPARATORS = /[\s._-]+/g;
const LOOKALIKES: Record<string, string> = {
	'@': 'a',
	'4': 'a',
	'3': 'e',
	'1': 'i',
	'!': 'i',
	'0': 'o',
	$: 's',
	'5': 's',
	'7': 't',
};

/** The forms of a password to look up in the common list: as typed, unpadded, de-leeted. */
function commonListCandidates(password: string): Set<string> {
	const lowered = password.toLowerCase();
	const unpadded = lowered.replace(PADDING_AT_ENDS, '');
	const candidates = new Set([lowered, unpadded]);
	for (const candidate of [...candidates]) {
		candidates.add(candidate.replace(SEPARATORS, ''));
		candidates.add(candidate.replace(/[@4310!$57]/g, (character) => LOOKALIKES[character]!));
	}
	return candidates;
}

/**
 * Why a password is not acceptable, as one sentence to show the person choosing it, or
 * `null` when it is fine. Rules: 12 to 256 characters, not one character repeated, not
 * containing the username, and not a common password (ignoring case, digits and
 * punctuation added at either end, separators, and look-alike digits such as `0` for `o`).
 */
export function checkPasswordStrength(password: string, username?: string): string | null {
	// Count characters as people see them, not UTF-16 units.
	const length = [...password].length;
	if (length < PASSWORD_MINIMUM_LENGTH) {
		return `The password is too short: use at least ${PASSWORD_MINIMUM_LENGTH} characters.`;
	}
	if (length > PASSWORD_MAXIMUM_LENGTH) {
		return `The password is too long: use at most ${PASSWORD_MAXIMUM_LENGTH} characters.`;
	}
	if (/^(.)\1*$/su.test(password)) {
		return 'The password is one character repeated: choose something harder to guess.';
	}
	const name = username?.trim().toLowerCase();
	if (name && password.toLowerCase().includes(name)) {
		return 'The password contains the username: choose one that does not.';
	}
	for (const candidate of commonListCandidates(password)) {
		if (COMMON_PASSWORDS.has(candidate)) {
			return 'The password is one of the most common passwords: choose something less predictable.';
		}
	}
	return null;
}
