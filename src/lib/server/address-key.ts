import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { isoDay } from '../dates.ts';

/**
 * Rate limits need to tell addresses apart without ever storing one. Each address is
 * replaced by an HMAC under a secret that lives only in this process's memory and is
 * replaced every UTC day, so yesterday's keys cannot be linked to today's, and nothing
 * written anywhere can be turned back into an address.
 */
// A KeyObject, made once: an HMAC keyed with a Buffer prepares the key again at every call,
// which costs several times the hashing itself.
let secret = createSecretKey(randomBytes(32));
let secretDay = currentDay();

function currentDay(): string {
	return isoDay(new Date());
}

/** An opaque, daily-changing stand-in for a client address. */
export function addressKey(address: string): string {
	const today = currentDay();
	if (today !== secretDay) {
		secret = createSecretKey(randomBytes(32));
		secretDay = today;
	}
	return createHmac('sha256', secret).update(address).digest('base64url');
}
