import { FixedWindowRateLimiter, type RateLimitDecision } from '../rate-limiter.ts';
import { addressKey } from './address-key.ts';
import { readSubmissionLimits } from './limits.ts';

const HOUR = 60 * 60 * 1000;
const limits = readSubmissionLimits(process.env);

const submissionsByAddress = new FixedWindowRateLimiter({
	limit: limits.submissionsPerAddressPerHour,
	windowMs: HOUR,
});
const submissionsOverall = new FixedWindowRateLimiter({
	limit: limits.submissionsPerHour,
	windowMs: HOUR,
});
const lookupsByAddress = new FixedWindowRateLimiter({
	limit: limits.receiptLookupsPerAddressPerHour,
	windowMs: HOUR,
});

// Previews are cheap for a writer and (since every check is linear) for us, but each one still
// runs every check on up to 20,000 characters: a flood from one address is refused.
const previewsByAddress = new FixedWindowRateLimiter({
	limit: limits.previewsPerAddressPerHour,
	windowMs: HOUR,
});
// Reactions count once a day per reader and story anyway; this caps one address's sweep
// across many stories.
const reactionsByAddress = new FixedWindowRateLimiter({
	limit: limits.reactionsPerAddressPerHour,
	windowMs: HOUR,
});

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
	const mine = submissionsByAddress.take(addressKey(clientAddress));
	if (!mine.allowed) return mine;
	return submissionsOverall.take('site');
}

/** Whether one more receipt-code request may be made from `clientAddress` (counted if so). */
export async function allowReceiptLookup(clientAddress: string): Promise<RateLimitDecision> {
	return lookupsByAddress.take(addressKey(clientAddress));
}

export { limits as SUBMISSION_LIMITS };
