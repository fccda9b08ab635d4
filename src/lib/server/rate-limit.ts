import { getStore } from '../../../db/store.ts';
import { FixedWindowRateLimiter, type RateLimitDecision } from '../rate-limiter.ts';
import { addressKey } from './address-key.ts';
import { readSubmissionLimits } from './limits.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';

const HOUR = 60 * 60 * 1000;
const limits = readSubmissionLimits(process.env);

interface Limiter {
	take(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

/**
 * One limit. On SQLite the site is one process, which keeps its windows in memory; on
 * PostgreSQL several app servers share them in the database (shared-rate-limiter.ts).
 * Decided at the first request, when the store is open.
 */
function hourlyLimit(name: string, limit: number): Limiter {
	let chosen: Limiter | undefined;
	return {
		take(key) {
			chosen ??=
				getStore().engine === 'postgres'
					? new SharedRateLimiter({ name, limit, windowMs: HOUR, store: getStore })
					: new FixedWindowRateLimiter({ limit, windowMs: HOUR });
			return chosen.take(key);
		},
	};
}

const submissionsByAddress = hourlyLimit(
	'submissions-by-address',
	limits.submissionsPerAddressPerHour,
);
const submissionsOverall = hourlyLimit('submissions-overall', limits.submissionsPerHour);
const lookupsByAddress = hourlyLimit('lookups-by-address', limits.receiptLookupsPerAddressPerHour);

// Previews are cheap for a writer and (since every check is linear) for us, but each one still
// runs every check on up to 20,000 characters: a flood from one address is refused.
const previewsByAddress = hourlyLimit('previews-by-address', limits.previewsPerAddressPerHour);
// Reactions count once a day per reader and story anyway; this caps one address's sweep
// across many stories.
const reactionsByAddress = hourlyLimit('reactions-by-address', limits.reactionsPerAddressPerHour);

/** Whether one more reaction may be sent from `clientAddress` (counted if so). */
export async function allowReaction(clientAddress: string): Promise<RateLimitDecision> {
	return reactionsByAddress.take(addressKey(clientAddress));
}

/** Whether one more preview may be made for `clientAddress` (counted if so). */
export async function allowPreview(clientAddress: string): Promise<RateLimitDecision> {
	return previewsByAddress.take(addressKey(clientAddress));
}

/** Whether one more story may be received from `clientAddress` (counted if so). */
export async function allowSubmission(clientAddress: string): Promise<RateLimitDecision> {
	const mine = await submissionsByAddress.take(addressKey(clientAddress));
	if (!mine.allowed) return mine;
	return submissionsOverall.take('site');
}

/** Whether one more receipt-code request may be made from `clientAddress` (counted if so). */
export async function allowReceiptLookup(clientAddress: string): Promise<RateLimitDecision> {
	return lookupsByAddress.take(addressKey(clientAddress));
}

export { limits as SUBMISSION_LIMITS };
