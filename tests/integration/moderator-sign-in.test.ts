import { generateHOTP } from '@oslojs/otp';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { startModeratorSession } from '../../src/lib/server/session.ts';
import { signIn, signOut } from '../../src/lib/server/sign-in.ts';
import {
	checkSecondFactorCode,
	enableSecondFactor,
	totpStepOfCode,
	type SecondFactorCheck,
} from '../../src/lib/server/two-factor.ts';
import { isForeignKeyViolation } from '../helpers/database-errors.ts';
import { useTestStores } from '../helpers/stores.ts';

const PASSWORD = 'violet harbor lantern';
const KEY = Buffer.alloc(20, 42);
const KEY_BASE64 = KEY.toString('base64');
/** A fixed moment, in the middle of a 30-second TOTP step. */
const START = new Date(Date.UTC(2026, 5, 1, 9, 0, 15));
const stepAt = (time: Date) => Math.floor(time.getTime() / 30_000);
const codeFor = (step: number) => generateHOTP(KEY, BigInt(step), 6);
const later = (seconds: number) => new Date(START.getTime() + seconds * 1000);

const testStores = useTestStores();

let counter = 0;

describe('totpStepOfCode', () => {
	it('names the step of a code within one step of drift, and nothing beyond', () => {
		const now = START.getTime();
		const step = stepAt(START);
		for (const offset of [-1, 0, 1]) {
			expect(totpStepOfCode(KEY_BASE64, codeFor(step + offset), now)).toBe(step + offset);
		}
		expect(totpStepOfCode(KEY_BASE64, codeFor(step + 2), now)).toBeNull();
		expect(totpStepOfCode(KEY_BASE64, codeFor(step - 2), now)).toBeNull();
		expect(totpStepOfCode(KEY_BASE64, 'abcdef', now)).toBeNull();
	});
});

describe.each(['sqlite', 'postgres'] as const)('on %s', (engine) => {
	let store: Store;
	beforeEach(async () => {
		store = await testStores.freshStore(engine);
	});
	// SQLite's sign-in throttle is this process's memory: each engine's run guesses from its own addresses.
	const address = (last: number) => `198.51.100.${last + (engine === 'sqlite' ? 0 : 100)}`;

	async function moderator(): Promise<{ id: string; username: string }> {
		counter += 1;
		const username = `guarded-${counter}`;
		const { id } = await addModerator({ username, password: PASSWORD }, store);
		return { id, username };
	}

	/** A moderator whose factor was turned on with the code of the step before START. */
	async function moderatorWithSecondFactor() {
		const { id } = await moderator();
		const recoveryCodes = await enableSecondFactor(id, KEY_BASE64, stepAt(START) - 1, store);
		const newSession = async () =>
			(await startModeratorSession(id, { secondFactorVerified: false }, store)).token;
		const check = (sessionId: string, code: string, at = START) =>
			checkSecondFactorCode({ moderatorId: id, sessionId, code }, store, at);
		return { id, recoveryCodes, newSession, check };
	}

	const sessionRow = async (id: string) =>
		(
			await store.read(({ query, tables: { sessions } }) =>
				query.select().from(sessions).where(eq(sessions.id, id)),
			)
		)[0];
	const moderatorRow = async (id: string) =>
		(
			await store.read(({ query, tables: { moderators } }) =>
				query.select().from(moderators).where(eq(moderators.id, id)),
			)
		)[0]!;
	const auditedActions = async () =>
		(
			await store.read(({ query, tables: { moderationEvents } }) =>
				query.select().from(moderationEvents),
			)
		).map((event) => ({ action: event.action, moderatorId: event.moderatorId }));

	describe('signIn from several addresses', () => {
		it('stops the address that guessed, and lets the right password in from another', async () => {
			const { username } = await moderator();
			for (let i = 0; i < 5; i++) {
				expect((await signIn(username, 'wrong password', address(7), store)).outcome).toBe(
					'refused',
				);
			}
			expect((await signIn(username, PASSWORD, address(7), store)).outcome).toBe('locked');
			expect((await signIn(username, PASSWORD, address(9), store)).outcome).toBe('signed-in');
		});

		it('answers an unknown name exactly like a known one under the same guessing', async () => {
			const { username } = await moderator();
			const outcomes = async (name: string, address: string) => {
				const seen: string[] = [];
				for (let i = 0; i < 6; i++) seen.push((await signIn(name, 'nope', address, store)).outcome);
				return seen;
			};
			expect(await outcomes(username, address(20))).toEqual(
				await outcomes(`nobody-at-all-${engine}`, address(21)),
			);
		});
	});

	describe('checkSecondFactorCode', () => {
		it('accepts the current code once and marks the session past the second factor', async () => {
			const guarded = await moderatorWithSecondFactor();
			const session = await guarded.newSession();
			expect(await guarded.check(session, codeFor(stepAt(START)))).toEqual({ outcome: 'accepted' });
			expect((await sessionRow(session))!.secondFactorVerified).toBe(true);
			expect((await moderatorRow(guarded.id)).totpLastUsedStep).toBe(stepAt(START));
		});

		it('refuses a used code in the same 30 seconds, and an older code that was never used', async () => {
			const guarded = await moderatorWithSecondFactor();
			expect(await guarded.check(await guarded.newSession(), codeFor(stepAt(START)))).toEqual({
				outcome: 'accepted',
			});
			const replay = await guarded.newSession();
			expect(await guarded.check(replay, codeFor(stepAt(START)), later(5))).toMatchObject({
				outcome: 'refused',
				alreadyUsed: true,
			});
			// The code of the step used to turn the factor on, and anything older, is spent too.
			expect(await guarded.check(replay, codeFor(stepAt(START) - 1), later(5))).toMatchObject({
				outcome: 'refused',
				alreadyUsed: true,
			});
			expect((await sessionRow(replay))!.secondFactorVerified).toBe(false);
			// The next step's code is new, and works.
			expect(await guarded.check(replay, codeFor(stepAt(START) + 1), later(30))).toEqual({
				outcome: 'accepted',
			});
		});

		it('ends a session at its fifth wrong code; the right code then finds no session', async () => {
			const guarded = await moderatorWithSecondFactor();
			const session = await guarded.newSession();
			const outcomes: SecondFactorCheck[] = [];
			for (let i = 0; i < 5; i++) outcomes.push(await guarded.check(session, '000001'));
			expect(
				outcomes.map((outcome) => outcome.outcome === 'refused' && outcome.sessionEnded),
			).toEqual([false, false, false, false, true]);
			expect(await sessionRow(session)).toBeUndefined();
			expect(await guarded.check(session, codeFor(stepAt(START)))).toEqual({
				outcome: 'session-ended',
			});
			expect((await moderatorRow(guarded.id)).totpLastUsedStep).toBe(stepAt(START) - 1);
		});

		it('pauses the account after 10 wrong codes across sessions, longer after each, and a right code clears it', async () => {
			const guarded = await moderatorWithSecondFactor();
			for (let attempt = 0; attempt < 2; attempt++) {
				const session = await guarded.newSession();
				for (let i = 0; i < 5; i++) await guarded.check(session, '000001');
			}
			const session = await guarded.newSession();
			const paused = await guarded.check(session, codeFor(stepAt(START)));
			expect(paused).toEqual({ outcome: 'paused', retryAt: later(30) });
			expect(await guarded.check(session, '000001', later(30))).toMatchObject({
				outcome: 'refused',
			});
			expect(await guarded.check(session, codeFor(stepAt(later(60))), later(60))).toEqual({
				outcome: 'paused',
				retryAt: later(90),
			});
			expect(await guarded.check(session, codeFor(stepAt(later(90))), later(90))).toEqual({
				outcome: 'accepted',
			});
			expect(await moderatorRow(guarded.id)).toMatchObject({
				secondFactorFailures: 0,
				secondFactorPausedUntil: null,
			});
		});

		it('never pauses longer than 5 minutes however many wrong codes', async () => {
			const guarded = await moderatorWithSecondFactor();
			let at = START;
			for (let i = 0; i < 30; i++) {
				const result = await guarded.check(await guarded.newSession(), '000001', at);
				if (result.outcome === 'paused') at = result.retryAt;
				else at = new Date(at.getTime() + 1000);
			}
			const pausedUntil = (await moderatorRow(guarded.id)).secondFactorPausedUntil!;
			expect(pausedUntil.getTime() - at.getTime()).toBeLessThanOrEqual(5 * 60_000);
			expect(pausedUntil.getTime()).toBeGreaterThan(at.getTime());
		});

		it('accepts a code sent twice at once only once', async () => {
			const guarded = await moderatorWithSecondFactor();
			const sessions = [await guarded.newSession(), await guarded.newSession()];
			const results = await Promise.all(
				sessions.map((session) => guarded.check(session, codeFor(stepAt(START)))),
			);
			expect(results.map((result) => result.outcome).toSorted()).toEqual(['accepted', 'refused']);
		});

		it('counts wrong codes sent at once one by one, and ends the session at the fifth', async () => {
			const guarded = await moderatorWithSecondFactor();
			const session = await guarded.newSession();
			const results = await Promise.all(
				Array.from({ length: 5 }, () => guarded.check(session, '000001')),
			);
			expect(results.filter((result) => result.outcome === 'refused')).toHaveLength(5);
			expect(
				results.filter((result) => result.outcome === 'refused' && result.sessionEnded),
			).toHaveLength(1);
			expect(await sessionRow(session)).toBeUndefined();
			expect((await moderatorRow(guarded.id)).secondFactorFailures).toBe(5);
		});

		it('counts wrong recovery codes as wrong codes, and spends a right one', async () => {
			const guarded = await moderatorWithSecondFactor();
			const session = await guarded.newSession();
			for (let i = 0; i < 4; i++) {
				expect(await guarded.check(session, `WRNG-CODE-000${i}`)).toMatchObject({
					outcome: 'refused',
				});
			}
			expect((await sessionRow(session))!.secondFactorFailures).toBe(4);
			expect(await guarded.check(session, guarded.recoveryCodes[0]!)).toEqual({
				outcome: 'accepted',
			});
			expect((await moderatorRow(guarded.id)).recoveryCodeHashes).toHaveLength(7);
			const next = await guarded.newSession();
			expect(await guarded.check(next, guarded.recoveryCodes[0]!)).toMatchObject({
				outcome: 'refused',
				alreadyUsed: false,
			});
			const audited = await auditedActions();
			expect(audited.filter((event) => event.action === 'second-factor-failed')).toHaveLength(5);
			expect(audited.filter((event) => event.action === 'recovery-code-used')).toHaveLength(1);
		});
	});

	describe('signOut', () => {
		it('ends the session and audits it in one step', async () => {
			const { id } = await moderator();
			const { token } = await startModeratorSession(id, { secondFactorVerified: true }, store);
			await signOut(token, id, store);
			expect(await sessionRow(token)).toBeUndefined();
			expect((await auditedActions()).filter((event) => event.action === 'signed-out')).toEqual([
				{ action: 'signed-out', moderatorId: id },
			]);
		});

		it('keeps the session when its audit row cannot be written', async () => {
			const { id } = await moderator();
			const { token } = await startModeratorSession(id, { secondFactorVerified: true }, store);
			// No such moderator: the audit row breaks its foreign key, so nothing may change.
			await expect(signOut(token, 'no-such-moderator', store)).rejects.toSatisfy(
				isForeignKeyViolation,
			);
			expect(await sessionRow(token)).toBeDefined();
		});
	});
});
