import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../src/lib/sign-in-throttle.ts';

const clock = () => {
	let now = Date.UTC(2026, 0, 1);
	return { now: () => now, advance: (ms: number) => (now += ms) };
};
const MINUTE = 60_000;

/** Fails one password for `name` from `address`, as sign-in does after a refused check. */
function fail(throttle: SignInThrottle, name: string, address: string): boolean {
	const decision = throttle.beginAttempt(name, address);
	if (decision.allowed) throttle.recordFailure(name, address);
	return decision.allowed;
}

describe('SignInThrottle', () => {
	it('stops one address after 5 wrong passwords for a name, for 15 minutes', () => {
		const time = clock();
		const throttle = new SignInThrottle({ now: time.now });
		expect(Array.from({ length: 6 }, () => fail(throttle, 'sam', 'address-x'))).toEqual([
			true,
			true,
			true,
			true,
			true,
			false,
		]);
		expect(throttle.beginAttempt('sam', 'address-x').retryAt.getTime()).toBe(
			time.now() + 15 * MINUTE,
		);
		time.advance(15 * MINUTE);
		expect(throttle.beginAttempt('sam', 'address-x').allowed).toBe(true);
	});

	it('lets the owner in from another address while the attacker is stopped', () => {
		const throttle = new SignInThrottle({ now: clock().now });
		for (let i = 0; i < 5; i++) fail(throttle, 'sam', 'address-x');
		expect(throttle.beginAttempt('sam', 'address-x').allowed).toBe(false);
		expect(throttle.beginAttempt('sam', 'address-y').allowed).toBe(true);
	});

	it('stops an address after 20 wrong passwords across names, without touching those names elsewhere', () => {
		const throttle = new SignInThrottle({ now: clock().now });
		for (const name of ['a1', 'a2', 'a3', 'a4']) {
			for (let i = 0; i < 5; i++) expect(fail(throttle, name, 'address-x')).toBe(true);
		}
		expect(throttle.beginAttempt('a5', 'address-x').allowed).toBe(false);
		for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) {
			expect(throttle.beginAttempt(name, 'address-y').allowed).toBe(true);
		}
	});

	it('paces a name guessed from many addresses: one check per slot, the gap growing to 30 s', () => {
		const time = clock();
		const throttle = new SignInThrottle({ now: time.now });
		for (let i = 0; i < 10; i++) expect(fail(throttle, 'sam', `bot-${i}`)).toBe(true);
		// Parallel tries gain nothing: the first takes the slot, the rest wait for the next.
		expect(throttle.beginAttempt('sam', 'bot-a').allowed).toBe(true);
		throttle.recordFailure('sam', 'bot-a');
		const refused = throttle.beginAttempt('sam', 'bot-b');
		expect(refused.allowed).toBe(false);
		expect(refused.retryAt.getTime() - time.now()).toBe(1000);

		const gaps: number[] = [];
		for (let i = 0; i < 8; i++) {
			const waiting = throttle.beginAttempt('sam', `bot-wait-${i}`);
			gaps.push(waiting.retryAt.getTime() - time.now());
			time.advance(waiting.retryAt.getTime() - time.now());
			expect(fail(throttle, 'sam', `bot-next-${i}`)).toBe(true);
		}
		expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
	});

	it('never locks the owner out: under attack from many addresses they get in within 30 s', () => {
		const time = clock();
		const throttle = new SignInThrottle({ now: time.now });
		for (let i = 0; i < 40; i++) {
			const decision = throttle.beginAttempt('sam', `bot-${i}`);
			if (!decision.allowed) time.advance(decision.retryAt.getTime() - time.now());
			fail(throttle, 'sam', `bot-${i}`);
		}
		const owner = throttle.beginAttempt('sam', 'owner');
		const waitMs = owner.allowed ? 0 : owner.retryAt.getTime() - time.now();
		expect(waitMs).toBeLessThanOrEqual(30_000);
		time.advance(waitMs);
		expect(throttle.beginAttempt('sam', 'owner').allowed).toBe(true);
	});

	it('keeps pacing after the owner signs in, and forgets it 15 minutes after the first failure', () => {
		const time = clock();
		const throttle = new SignInThrottle({ now: time.now });
		for (let i = 0; i < 12; i++) fail(throttle, 'sam', `bot-${i}`);
		time.advance(30_000);
		expect(throttle.beginAttempt('sam', 'owner').allowed).toBe(true);
		throttle.recordSuccess('sam', 'owner');
		expect(throttle.beginAttempt('sam', 'bot-99').allowed).toBe(false);
		time.advance(15 * MINUTE);
		expect(throttle.beginAttempt('sam', 'bot-99').allowed).toBe(true);
		expect(throttle.beginAttempt('sam', 'bot-98').allowed).toBe(true);
	});

	it('treats names that exist and names that do not alike (it never knows which is which)', () => {
		const throttle = new SignInThrottle({ now: clock().now });
		for (let i = 0; i < 5; i++) fail(throttle, 'no-such-name', 'address-x');
		expect(throttle.beginAttempt('no-such-name', 'address-x').allowed).toBe(false);
	});

	it('follows at most 10,000 names: a flood of new names pushes out the least recent', () => {
		const time = clock();
		const throttle = new SignInThrottle({ now: time.now });
		for (let i = 0; i < 10; i++) fail(throttle, 'sam', `bot-${i}`);
		for (let i = 0; i < 10_000; i++) throttle.recordFailure(`flood-${i}`, `flood-address-${i}`);
		// sam's failures were forgotten: no pace left on the name.
		expect(throttle.beginAttempt('sam', 'owner').allowed).toBe(true);
		expect(throttle.beginAttempt('sam', 'owner').allowed).toBe(true);
	});
});
