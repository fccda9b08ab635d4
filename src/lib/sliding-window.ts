import type { RateLimitDecision } from './rate-limiter.ts';

/** What a limit keeps for one key: counts per whole clock period, never a moment. */
export interface PeriodCounts {
	/** The start of the period `count` belongs to, in milliseconds since the epoch. */
	startedAt: number;
	count: number;
	/** The count of the period just before `startedAt`'s. */
	previousCount: number;
}

/** The counts of the current period and the one before it, as seen at `now`. */
export interface CountsNow {
	previous: number;
	current: number;
}

/** The start of the whole clock period of `periodMs` that holds `now`. */
export function periodStartOf(now: number, periodMs: number): number {
	return now - (now % periodMs);
}

/** Kept counts read at `now`: a period that has ended becomes the previous one, then nothing. */
export function countsAt(kept: PeriodCounts | undefined, now: number, periodMs: number): CountsNow {
	const periodStart = periodStartOf(now, periodMs);
	if (kept?.startedAt === periodStart) {
		return { previous: kept.previousCount, current: kept.count };
	}
	if (kept?.startedAt === periodStart - periodMs) return { previous: kept.count, current: 0 };
	return { previous: 0, current: 0 };
}

/**
 * The events within one window of `now`: the current period's, and the previous period's in
 * proportion to how much of it still lies within the window. Whole clock periods keep the
 * stored times coarse (no moment of a request is kept); the previous period's share stops
 * someone who used up a limit just before a period ended from using it all again just after.
 */
export function eventsWithinWindow(counts: CountsNow, now: number, periodMs: number): number {
	const stillInWindow = periodStartOf(now, periodMs) + periodMs - now;
	return (counts.previous * stillInWindow) / periodMs + counts.current;
}

/**
 * Whether one more event fits under `limit` at `now`, and if not, the first moment it would
 * (should nothing else be counted meanwhile). Exact in whole numbers, as the same test in SQL
 * (shared-rate-limiter.ts) is.
 */
export function slidingWindowDecision(
	counts: CountsNow,
	options: { limit: number; periodMs: number; now: number },
): RateLimitDecision {
	const { limit, periodMs, now } = options;
	const periodStart = periodStartOf(now, periodMs);
	const periodEnd = periodStart + periodMs;
	const { previous, current } = counts;
	if (previous * (periodEnd - now) + (current + 1) * periodMs <= limit * periodMs) {
		return { allowed: true, retryAt: new Date(periodEnd) };
	}
	// previous × (periodMs − elapsed) must shrink to (limit − 1 − current) × periodMs.
	const elapsedNeeded = (before: number, after: number, from: number) =>
		from + periodMs - Math.floor(((limit - 1 - after) * periodMs) / before);
	if (current + 1 <= limit) {
		return { allowed: false, retryAt: new Date(elapsedNeeded(previous, current, periodStart)) };
	}
	// This period is full: its count becomes the previous one's when the next period begins.
	// (A limit of 0 lets nothing through: the end of this period is as good an answer as any.)
	const nextPeriod = limit < 1 ? periodEnd : elapsedNeeded(current, 0, periodEnd);
	return { allowed: false, retryAt: new Date(Math.max(periodEnd, nextPeriod)) };
}
