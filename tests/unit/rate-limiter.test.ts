import { describe, expect, it } from 'vitest';
import { FixedWindowRateLimiter } from '../../src/lib/rate-limiter.ts';

describe('FixedWindowRateLimiter', () => {
	const HOUR = 3_600_000;
	const clock = () => {
		let now = Date.UTC(2026, 0, 1);
		return { now: () => now, advance: (ms: number) => (now += ms) };
	};

	it('allows up to the limit within a window, then refuses until it ends', () => {
		const time = clock();
		const limiter = new FixedWindowRateLimiter({ limit: 3, windowMs: HOUR, now: time.now });
		expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
		const refused = limiter.take('a');
		expect(refused.allowed).toBe(false);
		expect(refused.retryAt.getTime()).toBe(time.now() + HOUR);
		time.advance(HOUR - 1);
		expect(limiter.take('a').allowed).toBe(false);
		time.advance(1);
		expect(limiter.take('a').allowed).toBe(true);
	});

	it('counts each key on its own', () => {
		const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: HOUR, now: clock().now });
		expect(limiter.take('a').allowed).toBe(true);
		expect(limiter.take('b').allowed).toBe(true);
		expect(limiter.take('a').allowed).toBe(false);
	});

	it('does not count refused attempts against the next window', () => {
		const time = clock();
		const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: HOUR, now: time.now });
		limiter.take('a');
		for (let i = 0; i < 10; i++) limiter.take('a');
		time.advance(HOUR);
		expect(limiter.take('a').allowed).toBe(true);
	});

	it('forgets ended windows when many keys pile up', () => {
		const time = clock();
		const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: HOUR, now: time.now });
		for (let i = 0; i < 10_000; i++) limiter.take(`key-${i}`);
		time.advance(HOUR);
		expect(limiter.take('key-0').allowed).toBe(true);
		expect(limiter.take('key-0').allowed).toBe(false);
	});

	it('holds at most 10,000 live keys: a flood of new keys pushes out the oldest window', () => {
		const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: HOUR, now: clock().now });
		expect(limiter.take('first').allowed).toBe(true);
		expect(limiter.take('first').allowed).toBe(false);
		for (let i = 0; i < 10_000; i++) limiter.take(`flood-${i}`);
		expect(limiter.take('first').allowed).toBe(true);
		expect(limiter.take('flood-9999').allowed).toBe(false);
	});
});
