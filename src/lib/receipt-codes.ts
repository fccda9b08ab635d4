import { createHash, randomBytes } from 'node:crypto';

/**
 * Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives
 * the usual confusions (I/1, O/0), which `normalizeReceiptCode` folds back.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BITS_PER_CHARACTER = 5;

/** 28 characters × 5 bits = 140 bits of randomness (at least 128 are required). */
export const RECEIPT_CODE_LENGTH = 28;
export const RECEIPT_CODE_BITS = RECEIPT_CODE_LENGTH * BITS_PER_CHARACTER;
const GROUP_SIZE = 4;

/** Groups of four for people: `7KQ2-…` (seven groups). */
export function formatReceiptCode(canonical: string): string {
	return canonical.match(new RegExp(`.{1,${GROUP_SIZE}}`, 'g'))!.join('-');
}

/**
 * A new receipt code, formatted for people. Each character takes 5 bits from its own
 * random byte (the byte's low bits; 256 is a multiple of 32, so there is no bias).
 */
export function generateReceiptCode(random: (size: number) => Uint8Array = randomBytes): string {
	const bytes = random(RECEIPT_CODE_LENGTH);
	let canonical = '';
	for (const byte of bytes) canonical += ALPHABET[byte & 0b11111];
	return formatReceiptCode(canonical);
}

/**
 * The canonical form of what someone typed (case, spaces and dashes ignored; O→0, I/L→1),
 * or `null` when it cannot be a receipt code.
 */
export function normalizeReceiptCode(input: string): string | null {
	const canonical = input
		.toUpperCase()
		.replace(/[\s-]/g, '')
		.replace(/O/g, '0')
		.replace(/[IL]/g, '1');
	if (canonical.length !== RECEIPT_CODE_LENGTH) return null;
	for (const character of canonical) if (!ALPHABET.includes(character)) return null;
	return canonical;
}

/**
 * What is stored instead of the code. A plain SHA-256 suffices: with 140 random bits
 * there is nothing to guess, and the database alone can never produce a working code.
 */
export function hashReceiptCode(canonical: string): string {
	return createHash('sha256').update(canonical).digest('hex');
}
