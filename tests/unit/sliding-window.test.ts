import { describe, expect, it } from 'vitest';
import {
	countsAt,
	eventsWithinWindow,
	slidingWindowDecision,
} from '../../src/lib/sliding-window.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (time: string) => Date.parse(`2026-12-04T${time}Z`);
const hourly = (now: number) => ({ limit: 5, periodMs: HOUR, now });

describe('a limit over whole clock periods, sliding', () => {
	it('allows up to the limit within one period, then refuses until the limit fits again', () => {
		const now = at('12:20:00');
		expect(slidingWindowDecision({ previous: 0, current: 4 }, hourly(now)).allowed).toBe(true);
		const refused = slidingWindowDecision({ previous: 0, current: 5 }, hourly(now));
		expect(refused.allowed).toBe(false);
		// In the next hour the five count in full at first, four fifths of them after 12 minutes.
		expect(refused.retryAt).toEqual(new Date(at('13:12:00')));
	});

	it('does not let a limit used up just before the hour ends be used again just after', () => {
		const justAfter = at('13:00:05');
		const refused = slidingWindowDecision({ previous: 5, current: 0 }, hourly(justAfter));
		expect(refused.allowed).toBe(false);
		expect(refused.retryAt).toEqual(new Date(at('13:12:00')));
		const then = slidingWindowDecision({ previous: 5, current: 0 }, hourly(at('13:12:00')));
		expect(then.allowed).toBe(true);
		expect(
			slidingWindowDecision({ previous: 5, current: 0 }, hourly(at('13:11:59.999'))).allowed,
		).toBe(false);
	});

	it('waits longer the more of the new period is already used', () => {
		const refused = slidingWindowDecision({ previous: 5, current: 2 }, hourly(at('13:10:00')));
		// 5 × (what is left of the hour) must fall to 2: 36 minutes into it.
		expect(refused.retryAt).toEqual(new Date(at('13:36:00')));
	});

	it('opens fully once a period has passed with nothing counted', () => {
		expect(slidingWindowDecision({ previous: 0, current: 0 }, hourly(at('14:59:59'))).allowed).toBe(
			true,
		);
	});

	it('lets nothing through a limit of 0', () => {
		const refused = slidingWindowDecision(
			{ previous: 0, current: 0 },
			{ limit: 0, periodMs: HOUR, now: at('12:00:00') },
		);
		expect(refused.allowed).toBe(false);
		expect(refused.retryAt).toEqual(new Date(at('13:00:00')));
	});

	it('reads kept counts as the current period, the previous one, or nothing', () => {
		const kept = { startedAt: at('12:00:00'), count: 3, previousCount: 2 };
		expect(countsAt(kept, at('12:59:59'), HOUR)).toEqual({ previous: 2, current: 3 });
		expect(countsAt(kept, at('13:00:00'), HOUR)).toEqual({ previous: 3, current: 0 });
		expect(countsAt(kept, at('14:00:00'), HOUR)).toEqual({ previous: 0, current: 0 });
		expect(countsAt(undefined, at('12:00:00'), HOUR)).toEqual({ previous: 0, current: 0 });
	});

	it('counts the previous period in proportion to what of it is still within the window', () => {
		expect(eventsWithinWindow({ previous: 4, current: 1 }, at('13:30:00'), HOUR)).toBe(3);
		expect(eventsWithinWindow({ previous: 4, current: 1 }, at('13:45:00'), HOUR)).toBe(2);
		expect(eventsWithinWindow({ previous: 10, current: 0 }, at('12:03:00'), 15 * MINUTE)).toBe(8);
	});
});
