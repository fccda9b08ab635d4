import { FixedWindowRateLimiter, type RateLimitDecision } from './rate-limiter.ts';

export const FIFTEEN_MINUTES = 15 * 60 * 1000;
/** Wrong passwords one address may try for one name, per 15 minutes. */
export const SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
/** Wrong passwords one address may try in all, whatever the names, per 15 minutes. */
export const SIGN_IN_FAILURES_PER_ADDRESS = 20;
/** Wrong passwords for one name, from everywhere, before its password checks are paced. */
export const SIGN_IN_FAILURES_BEFORE_PACING = 10;
/** The longest gap a paced name keeps between two password checks. */
const SIGN_IN_LONGEST_PACE_MS = 30_000;
/** Names followed at once; past this the least recently failed is forgotten. */
const MOST_NAMES_FOLLOWED = 10_000;

interface AccountFailures {
	windowStartedAt: number;
	failures: number;
	/** While paced: no password check for this name before this moment. */
	nextCheckAt: number;
}

/**
 * Limits on guessing moderators' passwords that no one can turn against the owner.
 *
 * A lock keyed on the name alone lets anyone keep a moderator out with five wrong passwords.
 * So the hard limits key on the address (an opaque daily HMAC from address-key.ts, held only
 * here in memory): one address gets 5 wrong passwords per name and 20 in all per quarter
 * hour, then answers 429 until its window ends. That stops one attacker and touches nobody
 * else.
 *
 * Across addresses, a name is only slowed, never locked: after 10 wrong passwords in a
 * quarter hour from anywhere, the name takes one password check at a time with a gap that
 * doubles from 1 s to at most 30 s. Someone guessing from many addresses gets a few attempts
 * a minute; the owner, on their own address, is at worst asked to try again in some seconds.
 *
 * Names are followed whether or not an account exists, so the answers tell no one which
 * names are real. Everything is in memory and bounded; a restart forgets it. (On PostgreSQL,
 * where several servers take sign-ins, the same rules are kept in the database instead:
 * server/shared-sign-in-throttle.ts.)
 */
export class SignInThrottle {
	readonly #byAccountAndAddress: FixedWindowRateLimiter;
	readonly #byAddress: FixedWindowRateLimiter;
	readonly #accounts = new Map<string, AccountFailures>();
	readonly #now: () => number;

	constructor(options: { now?: () => number } = {}) {
		this.#now = options.now ?? Date.now;
		this.#byAccountAndAddress = new FixedWindowRateLimiter({
			limit: SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
			windowMs: FIFTEEN_MINUTES,
			now: this.#now,
		});
		this.#byAddress = new FixedWindowRateLimiter({
			limit: SIGN_IN_FAILURES_PER_ADDRESS,
			windowMs: FIFTEEN_MINUTES,
			now: this.#now,
		});
	}

	/**
	 * Whether a password for `name` may be checked now for the address behind `addressKey`.
	 * While the name is paced, an allowed check takes the next slot, so parallel tries gain nothing.
	 */
	beginAttempt(name: string, addressKey: string): RateLimitDecision {
		for (const decision of [
			this.#byAccountAndAddress.check(pairKey(name, addressKey)),
			this.#byAddress.check(addressKey),
		]) {
			if (!decision.allowed) return decision;
		}
		const now = this.#now();
		const account = this.#currentFailures(name, now);
		if (!account || account.failures < SIGN_IN_FAILURES_BEFORE_PACING) {
			return { allowed: true, retryAt: new Date(now) };
		}
		if (now < account.nextCheckAt)
			return { allowed: false, retryAt: new Date(account.nextCheckAt) };
		account.nextCheckAt = now + paceMs(account.failures);
		return { allowed: true, retryAt: new Date(account.nextCheckAt) };
	}

	/** Counts a wrong password (or an unknown name) against the pair, the address and the name. */
	recordFailure(name: string, addressKey: string): void {
		this.#byAccountAndAddress.take(pairKey(name, addressKey));
		this.#byAddress.take(addressKey);
		const now = this.#now();
		const account = this.#currentFailures(name, now) ?? {
			windowStartedAt: now,
			failures: 0,
			nextCheckAt: now,
		};
		account.failures += 1;
		// Re-inserted, so the Map's order is least recently failed first (what eviction drops).
		this.#accounts.delete(name);
		this.#accounts.set(name, account);
		if (this.#accounts.size > MOST_NAMES_FOLLOWED) {
			this.#accounts.delete(this.#accounts.keys().next().value!);
		}
	}

	/**
	 * A right password clears this address's failures for the name. The name's own count stays:
	 * the owner signing in must not reopen the door for someone guessing from elsewhere.
	 */
	recordSuccess(name: string, addressKey: string): void {
		this.#byAccountAndAddress.reset(pairKey(name, addressKey));
	}

	#currentFailures(name: string, now: number): AccountFailures | null {
		const account = this.#accounts.get(name);
		if (!account) return null;
		if (now - account.windowStartedAt < FIFTEEN_MINUTES) return account;
		this.#accounts.delete(name);
		return null;
	}
}

function pairKey(name: string, addressKey: string): string {
	return `${addressKey} ${name}`;
}

/** The gap after the `failures`-th wrong password: 1 s, doubling, at most 30 s. */
export function paceMs(failures: number): number {
	const doublings = Math.min(failures - SIGN_IN_FAILURES_BEFORE_PACING, 15);
	return Math.min(SIGN_IN_LONGEST_PACE_MS, 1000 * 2 ** doublings);
}
