import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64, encodeBase32UpperCaseNoPadding, encodeBase64 } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { eq } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import { getStore, type Scope, type Store } from '../../../db/store.ts';
import { SITE_NAME } from '../settings.ts';
import { appendAuditEvent } from './audit.ts';
import {
	countWrongSecondFactorCode,
	endSessionNow,
	isSessionOf,
	markSecondFactorVerified,
} from './session.ts';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const RECOVERY_CODE_COUNT = 8;
const KEY_BYTES = 20;

/** A key as the enrolment form posts it back (base64), or `null` if it is not one we made. */
export function parseTotpKey(keyBase64: string): Uint8Array | null {
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return null;
	try {
		const key = decodeBase64(keyBase64);
		return key.byteLength === KEY_BYTES ? key : null;
	} catch {
		return null;
	}
}

/** A fresh TOTP key and what an authenticator app needs to add it: a QR code and the text key. */
export function createTotpEnrolment(username: string, key: Uint8Array = randomBytes(KEY_BYTES)) {
	const uri = createTOTPKeyURI(SITE_NAME, username, key, PERIOD_SECONDS, DIGITS);
	return {
		key: encodeBase64(key),
		/** For typing into an app by hand. */
		manualKey: encodeBase32UpperCaseNoPadding(key)
			.replace(/(.{4})/g, '$1 ')
			.trim(),
		/** An inline SVG rendered on the server: no image request, nothing to a third party. */
		qrSvg: renderSVG(uri, { border: 2 }),
	};
}

/**
 * Guessing limits for second-factor codes. Six digits are a million codes; unlimited tries
 * break that in minutes. So: a handful of wrong codes ends the half-signed-in session (the
 * password is asked again, which has limits of its own), and past a few sessions' worth the
 * account itself pauses between tries, longer after each wrong code, up to a few minutes.
 * It pauses rather than locks: a guesser already holds the password, and a hard lock would
 * hand them a way to keep the owner out. The counts live in the database, so a restart or
 * a second server process does not hand out fresh tries; a right code clears them.
 */
const SECOND_FACTOR_TRIES_PER_SESSION = 5;
const SECOND_FACTOR_FAILURES_BEFORE_PAUSE = 10;
const FIRST_PAUSE_MS = 30_000;
const LONGEST_PAUSE_MS = 5 * 60_000;

/** How long the account waits after its `failures`-th wrong code in a row (0: no pause yet). */
function secondFactorPauseMs(failures: number): number {
	if (failures < SECOND_FACTOR_FAILURES_BEFORE_PAUSE) return 0;
	const doublings = failures - SECOND_FACTOR_FAILURES_BEFORE_PAUSE;
	return Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.min(doublings, 16));
}

/**
 * The 30-second time step whose code `code` is for this key, allowing one step of clock
 * drift either way, or `null` when it is none of them. Knowing the step is what lets a used
 * code be refused (see `checkSecondFactorCode`).
 */
export function totpStepOfCode(keyBase64: string, code: string, now = Date.now()): number | null {
	const digits = code.replace(/\s/g, '');
	const key = parseTotpKey(keyBase64);
	if (!key || !/^\d{6}$/.test(digits)) return null;
	const current = Math.floor(now / (PERIOD_SECONDS * 1000));
	let matched: number | null = null;
	// Every candidate is compared, in constant time, so the timing says nothing about which matched.
	for (const step of [current - 1, current, current + 1]) {
		const expected = generateHOTP(key, BigInt(step), DIGITS);
		if (timingSafeEqual(Buffer.from(expected), Buffer.from(digits))) matched = step;
	}
	return matched;
}

function hashRecoveryCode(code: string): string {
	return createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');
}

/**
 * Stores a key the moderator just proved with the code for `enrolledStep` (then spent) and
 * returns recovery codes, shown once: only their hashes are kept, and each works a single
 * time. Replacing an enrolled key goes through here too, after `checkSecondFactorCode`.
 */
export async function enableSecondFactor(
	moderatorId: string,
	keyBase64: string,
	enrolledStep: number,
	store: Store = getStore(),
): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
		encodeBase32UpperCaseNoPadding(randomBytes(8))
			.slice(0, 12)
			.replace(/(.{4})(?=.)/g, '$1-'),
	);
	await store.transact(async (scope) => {
		const { moderators } = scope.tables;
		await scope.query
			.update(moderators)
			.set({
				totpKey: keyBase64,
				recoveryCodeHashes: codes.map(hashRecoveryCode),
				totpLastUsedStep: enrolledStep,
				secondFactorFailures: 0,
				secondFactorPausedUntil: null,
			})
			.where(eq(moderators.id, moderatorId));
		await appendAuditEvent(scope, { moderatorId, action: 'second-factor-enabled' });
	});
	return codes;
}

/** Removes a moderator's second factor (after they proved they hold it). */
export async function disableSecondFactor(
	moderatorId: string,
	store: Store = getStore(),
): Promise<void> {
	await store.transact(async (scope) => {
		const { moderators } = scope.tables;
		await scope.query
			.update(moderators)
			.set({
				totpKey: null,
				recoveryCodeHashes: null,
				totpLastUsedStep: null,
				secondFactorFailures: 0,
				secondFactorPausedUntil: null,
			})
			.where(eq(moderators.id, moderatorId));
		await appendAuditEvent(scope, { moderatorId, action: 'second-factor-disabled' });
	});
}

export type SecondFactorCheck =
	| { outcome: 'accepted' }
	/** Wrong, already used, or a spent recovery code; `sessionEnded` once the session's tries ran out. */
	| { outcome: 'refused'; alreadyUsed: boolean; sessionEnded: boolean }
	/** The account is pausing after many wrong codes: nothing was checked. */
	| { outcome: 'paused'; retryAt: Date }
	| { outcome: 'no-second-factor' }
	/** The session ended meanwhile (e.g. by its own wrong codes): nothing was checked. */
	| { outcome: 'session-ended' };

/**
 * Checks a code typed at sign-in, or to replace or remove the second factor: a TOTP code for
 * a step later than the last one accepted (a code works once, even within its 30 seconds),
 * or an unused recovery code (then spent). Accepting marks `sessionId` as past the second
 * factor. Every refusal counts against the session and the account (see the limits above).
 * One transaction (serializable on PostgreSQL), so simultaneous tries from any process or
 * server are counted one by one.
 */
export async function checkSecondFactorCode(
	attempt: { moderatorId: string; sessionId: string; code: string },
	store: Store = getStore(),
	now = new Date(),
): Promise<SecondFactorCheck> {
	const { moderatorId, sessionId, code } = attempt;
	return store.transact(async (scope): Promise<SecondFactorCheck> => {
		const { moderators } = scope.tables;
		const [moderator] = await scope.query
			.select()
			.from(moderators)
			.where(eq(moderators.id, moderatorId))
			.limit(1);
		if (!moderator?.totpKey) return { outcome: 'no-second-factor' };
		if (!(await isSessionOf(scope, sessionId, moderatorId))) return { outcome: 'session-ended' };
		const pausedUntil = moderator.secondFactorPausedUntil;
		if (pausedUntil && pausedUntil > now) return { outcome: 'paused', retryAt: pausedUntil };

		const step = totpStepOfCode(moderator.totpKey, code, now.getTime());
		const fresh = step !== null && step > (moderator.totpLastUsedStep ?? -1);
		const recoveryCodeHash = fresh ? null : findRecoveryCode(moderator.recoveryCodeHashes, code);
		if (fresh || recoveryCodeHash) {
			const remaining = (moderator.recoveryCodeHashes ?? []).filter(
				(stored) => stored !== recoveryCodeHash,
			);
			await scope.query
				.update(moderators)
				.set({
					totpLastUsedStep: fresh ? step : moderator.totpLastUsedStep,
					recoveryCodeHashes: remaining,
					secondFactorFailures: 0,
					secondFactorPausedUntil: null,
				})
				.where(eq(moderators.id, moderatorId));
			if (recoveryCodeHash)
				await appendAuditEvent(scope, { moderatorId, action: 'recovery-code-used' }, now);
			await markSecondFactorVerified(scope, sessionId);
			return { outcome: 'accepted' };
		}
		return refuse(scope, moderator, sessionId, step !== null, now);
	});
}

function findRecoveryCode(stored: string[] | null, code: string): string | null {
	const given = Buffer.from(hashRecoveryCode(code));
	let match: string | null = null;
	for (const hash of stored ?? []) {
		if (timingSafeEqual(Buffer.from(hash), given)) match = hash;
	}
	return match;
}

/** Counts a refused code against the account and the session; ends the session at its limit. */
async function refuse(
	scope: Scope,
	moderator: { id: string; secondFactorFailures: number },
	sessionId: string,
	alreadyUsed: boolean,
	now: Date,
): Promise<SecondFactorCheck> {
	const failures = moderator.secondFactorFailures + 1;
	const pauseMs = secondFactorPauseMs(failures);
	const { moderators } = scope.tables;
	await scope.query
		.update(moderators)
		.set({
			secondFactorFailures: failures,
			secondFactorPausedUntil: pauseMs ? new Date(now.getTime() + pauseMs) : null,
		})
		.where(eq(moderators.id, moderator.id));
	await appendAuditEvent(scope, { moderatorId: moderator.id, action: 'second-factor-failed' }, now);
	const sessionEnded =
		(await countWrongSecondFactorCode(scope, sessionId)) >= SECOND_FACTOR_TRIES_PER_SESSION;
	if (sessionEnded) await endSessionNow(scope, sessionId);
	return { outcome: 'refused', alreadyUsed, sessionEnded };
}
