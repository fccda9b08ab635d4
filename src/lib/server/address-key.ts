import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { isoDay } from '../dates.ts';

/**
 * Rate limits and once-a-day reader acts need to tell addresses apart without ever storing
 * one. Each address is replaced by an HMAC under a secret that is replaced every UTC day, so
 * yesterday's keys cannot be linked to today's, and nothing written anywhere can be turned
 * back into an address by someone holding the database.
 *
 * One server (SQLite): the day's secret is random and lives only in this process's memory.
 * Several servers (PostgreSQL) must key an address alike, so the day's secret is derived
 * from ADDRESS_KEY_SECRET, which every server is given and the database never holds:
 * HMAC(ADDRESS_KEY_SECRET, day). A copy of the database alone still names no one.
 */
export const ADDRESS_KEY_SETTING = 'ADDRESS_KEY_SECRET';
/** Base64 of at least this many random bytes. */
const SHARED_SECRET_BYTES = 32;

/** The shared secret, or `null` when unset; throws on one too short to be random enough. */
export function readSharedAddressSecret(env: Record<string, string | undefined>): Buffer | null {
	const raw = env[ADDRESS_KEY_SETTING];
	if (raw === undefined || raw === '') return null;
	const secret = Buffer.from(raw, 'base64');
	if (secret.length < SHARED_SECRET_BYTES) {
		throw new Error(
			`${ADDRESS_KEY_SETTING} must be at least ${SHARED_SECRET_BYTES} random bytes in base64 ` +
				'(for example: openssl rand -base64 32).',
		);
	}
	return secret;
}

const shared = readSharedAddressSecret(process.env);

function secretFor(day: string): KeyObject {
	// A KeyObject, made once a day: an HMAC keyed with a Buffer prepares the key again at
	// every call, which costs several times the hashing itself.
	return createSecretKey(
		shared ? createHmac('sha256', shared).update(`address-key ${day}`).digest() : randomBytes(32),
	);
}

let secretDay = isoDay(new Date());
let secret = secretFor(secretDay);

/** An opaque, daily-changing stand-in for a client address. */
export function addressKey(address: string): string {
	const today = isoDay(new Date());
	if (today !== secretDay) {
		secret = secretFor(today);
		secretDay = today;
	}
	return createHmac('sha256', secret).update(address).digest('base64url');
}
