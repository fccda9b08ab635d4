import { FixedWindowRateLimiter } from '../rate-limiter.ts';
import { getDatabase, type Database } from '../../../db/client.ts';
import { addressKey } from './address-key.ts';
import { appendAuditEvent } from './audit.ts';
import { findModeratorForSignIn, normalizeUsername } from './moderators.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { startModeratorSession } from './session.ts';

const FIFTEEN_MINUTES = 15 * 60 * 1000;
/** Failed attempts allowed per username, then per address (an HMAC of it), per 15 minutes. */
export const SIGN_IN_FAILURES_PER_USERNAME = 5;
export const SIGN_IN_FAILURES_PER_ADDRESS = 20;

const failuresByUsername = new FixedWindowRateLimiter({
	limit: SIGN_IN_FAILURES_PER_USERNAME,
	windowMs: FIFTEEN_MINUTES,
});
const failuresByAddress = new FixedWindowRateLimiter({
	limit: SIGN_IN_FAILURES_PER_ADDRESS,
	windowMs: FIFTEEN_MINUTES,
});

export type SignInResult =
	| { outcome: 'signed-in'; token: string; expiresAt: Date; needsSecondFactor: boolean }
	| { outcome: 'refused' }
	| { outcome: 'locked'; retryAt: Date };

/**
 * Checks a username and password. An unknown or disabled name costs the same argon2
 * work as a wrong password and gets the same answer, so neither the reply nor its timing
 * tells whether a name exists. Too many failures lock the name (and the address) for a while.
 */
export async function signIn(
	username: string,
	password: string,
	clientAddress: string,
	database: Database = getDatabase(),
): Promise<SignInResult> {
	const name = normalizeUsername(username);
	const addressId = addressKey(clientAddress);
	for (const decision of [failuresByUsername.check(name), failuresByAddress.check(addressId)]) {
		if (!decision.allowed) return { outcome: 'locked', retryAt: decision.retryAt };
	}
	const moderator = await findModeratorForSignIn(name, database);
	const valid =
		moderator && !moderator.disabled
			? await verifyPassword(moderator.passwordHash, password)
			: await verifyAgainstDummy(password);
	if (!valid || !moderator) {
		failuresByUsername.take(name);
		failuresByAddress.take(addressId);
		appendAuditEvent(database, { moderatorId: moderator?.id ?? null, action: 'sign-in-failed' });
		return { outcome: 'refused' };
	}
	failuresByUsername.reset(name);
	const session = await startModeratorSession(
		moderator.id,
		{ secondFactorVerified: !moderator.hasSecondFactor },
		database,
	);
	appendAuditEvent(database, { moderatorId: moderator.id, action: 'signed-in' });
	return { outcome: 'signed-in', ...session, needsSecondFactor: moderator.hasSecondFactor };
}
