import type { RateLimitDecision } from '../rate-limiter.ts';
import { SignInThrottle } from '../sign-in-throttle.ts';
import { getStore, type Store } from '../../../db/store.ts';
import { addressKey } from './address-key.ts';
import { appendAuditEvent } from './audit.ts';
import {
	findModeratorForSignIn,
	isCheckedPasswordCurrent,
	normalizeUsername,
} from './moderators.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { SharedSignInThrottle } from './shared-sign-in-throttle.ts';
import { endSessionNow, startModeratorSession } from './session.ts';

/**
 * Per address and name, per address, and a pace per name: see SignInThrottle for why. One
 * SQLite server keeps them in memory; on PostgreSQL every server shares them in the database.
 */
interface Throttle {
	beginAttempt(
		name: string,
		addressId: string,
		store: Store,
	): RateLimitDecision | Promise<RateLimitDecision>;
	recordFailure(name: string, addressId: string, store: Store): void | Promise<void>;
	recordSuccess(name: string, addressId: string, store: Store): void | Promise<void>;
}
const inMemory = new SignInThrottle();
const shared = new SharedSignInThrottle();
const throttleFor = (store: Store): Throttle => (store.engine === 'postgres' ? shared : inMemory);

export type SignInResult =
	| { outcome: 'signed-in'; token: string; expiresAt: Date; needsSecondFactor: boolean }
	| { outcome: 'refused' }
	| { outcome: 'locked'; retryAt: Date };

/**
 * Checks a username and password. An unknown or disabled name costs the same argon2
 * work as a wrong password and gets the same answer, so neither the reply nor its timing
 * tells whether a name exists. Too many failures from one address stop that address; many
 * from everywhere only slow the name down (SignInThrottle), so no one can lock its owner out.
 */
export async function signIn(
	username: string,
	password: string,
	clientAddress: string,
	store: Store = getStore(),
): Promise<SignInResult> {
	const name = normalizeUsername(username);
	const addressId = addressKey(clientAddress);
	const throttle = throttleFor(store);
	const decision = await throttle.beginAttempt(name, addressId, store);
	if (!decision.allowed) return { outcome: 'locked', retryAt: decision.retryAt };
	const moderator = await findModeratorForSignIn(name, store);
	const valid =
		moderator && !moderator.disabled
			? await verifyPassword(moderator.passwordHash, password)
			: await verifyAgainstDummy(password);
	if (!valid || !moderator) {
		await throttle.recordFailure(name, addressId, store);
		await store.transact((scope) =>
			appendAuditEvent(scope, { moderatorId: moderator?.id ?? null, action: 'sign-in-failed' }),
		);
		return { outcome: 'refused' };
	}
	await throttle.recordSuccess(name, addressId, store);
	const session = await startModeratorSession(
		moderator.id,
		{ secondFactorVerified: !moderator.hasSecondFactor },
		store,
	);
	// A reset or a disable that committed while argon2 ran ended every session but this one,
	// which did not exist yet. So the session stands only if the account still holds the
	// hash that was checked, read in the transaction that audits the sign-in: SQLite runs the
	// two one after the other; PostgreSQL's SERIALIZABLE refuses one of the two interleaved.
	const stands = await store.transact(async (scope) => {
		if (!(await isCheckedPasswordCurrent(scope, moderator.id, moderator.passwordHash))) {
			await endSessionNow(scope, session.token);
			return false;
		}
		await appendAuditEvent(scope, { moderatorId: moderator.id, action: 'signed-in' });
		return true;
	});
	if (!stands) return { outcome: 'refused' };
	return { outcome: 'signed-in', ...session, needsSecondFactor: moderator.hasSecondFactor };
}

/** Ends a moderator's session and audits the sign-out, in one transaction. */
export async function signOut(
	sessionId: string,
	moderatorId: string | null,
	store: Store = getStore(),
): Promise<void> {
	await store.transact(async (scope) => {
		await endSessionNow(scope, sessionId);
		await appendAuditEvent(scope, { moderatorId, action: 'signed-out' });
	});
}
