import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64, encodeBase32UpperCaseNoPadding, encodeBase64 } from '@oslojs/encoding';
import { createTOTPKeyURI, verifyTOTPWithGracePeriod } from '@oslojs/otp';
import { eq } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import { getDatabase, type Database } from '../../../db/client.ts';
import { moderators } from '../../../db/schema.ts';
import { SITE_NAME } from '../settings.ts';
import { appendAuditEvent } from './audit.ts';

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

/** True when `code` is the current (or the previous) 6-digit code for the key. */
export function verifyTotpCode(keyBase64: string, code: string): boolean {
	const digits = code.replace(/\s/g, '');
	const key = parseTotpKey(keyBase64);
	if (!key || !/^\d{6}$/.test(digits)) return false;
	return verifyTOTPWithGracePeriod(key, PERIOD_SECONDS, DIGITS, digits, PERIOD_SECONDS);
}

function hashRecoveryCode(code: string): string {
	return createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');
}

/**
 * Stores a verified key and returns recovery codes, shown once: only their hashes are
 * kept, and each works a single time.
 */
export async function enableSecondFactor(
	moderatorId: string,
	keyBase64: string,
	database: Database = getDatabase(),
): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
		encodeBase32UpperCaseNoPadding(randomBytes(8))
			.slice(0, 12)
			.replace(/(.{4})(?=.)/g, '$1-'),
	);
	database.transaction((transaction) => {
		transaction
			.update(moderators)
			.set({ totpKey: keyBase64, recoveryCodeHashes: codes.map(hashRecoveryCode) })
			.where(eq(moderators.id, moderatorId))
			.run();
		appendAuditEvent(transaction, { moderatorId, action: 'second-factor-enabled' });
	});
	return codes;
}

/** Removes a moderator's second factor (after they proved they hold it). */
export async function disableSecondFactor(
	moderatorId: string,
	database: Database = getDatabase(),
): Promise<void> {
	database.transaction((transaction) => {
		transaction
			.update(moderators)
			.set({ totpKey: null, recoveryCodeHashes: null })
			.where(eq(moderators.id, moderatorId))
			.run();
		appendAuditEvent(transaction, { moderatorId, action: 'second-factor-disabled' });
	});
}

/** Checks a sign-in code: a current TOTP code, or an unused recovery code (then spent). */
export async function verifySecondFactor(
	moderatorId: string,
	code: string,
	database: Database = getDatabase(),
): Promise<boolean> {
	const moderator = database.select().from(moderators).where(eq(moderators.id, moderatorId)).get();
	if (!moderator?.totpKey) return false;
	if (verifyTotpCode(moderator.totpKey, code)) return true;
	const given = Buffer.from(hashRecoveryCode(code));
	const remaining = moderator.recoveryCodeHashes ?? [];
	const match = remaining.find((stored) => timingSafeEqual(Buffer.from(stored), given));
	if (!match) return false;
	database
		.update(moderators)
		.set({ recoveryCodeHashes: remaining.filter((stored) => stored !== match) })
		.where(eq(moderators.id, moderatorId))
		.run();
	appendAuditEvent(database, { moderatorId, action: 'recovery-code-used' });
	return true;
}
