import { describe, expect, it } from 'vitest';
import {
	formatReceiptCode,
	generateReceiptCode,
	hashReceiptCode,
	normalizeReceiptCode,
	RECEIPT_CODE_BITS,
	RECEIPT_CODE_LENGTH,
} from '../../src/lib/receipt-codes.ts';

describe('generateReceiptCode', () => {
	it('carries at least 128 bits of randomness', () => {
		expect(RECEIPT_CODE_BITS).toBeGreaterThanOrEqual(128);
	});

	it('is grouped in fours for people, from an alphabet without look-alike letters', () => {
		const code = generateReceiptCode();
		expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/);
		expect(code.replace(/-/g, '')).toHaveLength(RECEIPT_CODE_LENGTH);
	});

	it('never repeats over 100,000 codes', () => {
		const codes = new Set(Array.from({ length: 100_000 }, () => generateReceiptCode()));
		expect(codes.size).toBe(100_000);
	});

	it('uses every character about equally often (no bias from the byte mapping)', () => {
		const counts = new Map<string, number>();
		for (let i = 0; i < 20_000; i++) {
			for (const character of generateReceiptCode().replace(/-/g, '')) {
				counts.set(character, (counts.get(character) ?? 0) + 1);
			}
		}
		const expected = (20_000 * RECEIPT_CODE_LENGTH) / 32;
		expect(counts.size).toBe(32);
		for (const count of counts.values())
			expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
	});

	it('takes every character from the random source', () => {
		const zeros = generateReceiptCode((size) => new Uint8Array(size));
		const ones = generateReceiptCode((size) => new Uint8Array(size).fill(31));
		expect(zeros).toBe('0000-0000-0000-0000-0000-0000-0000');
		expect(ones).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
	});
});

describe('normalizeReceiptCode', () => {
	const code = generateReceiptCode();
	const canonical = code.replace(/-/g, '');

	it.each([
		['as shown', code],
		['lower case', code.toLowerCase()],
		['without dashes', canonical],
		['with spaces', code.replace(/-/g, ' ')],
		['with surrounding space', `  ${code}\n`],
	])('reads a code typed %s', (_case, typed) => {
		expect(normalizeReceiptCode(typed)).toBe(canonical);
	});

	it('folds the letters people confuse with digits', () => {
		expect(normalizeReceiptCode('O0IL-1111-0000-0000-0000-0000-0000')).toBe(
			'0011111100000000000000000000',
		);
	});

	it.each([
		'',
		'abc',
		canonical.slice(1),
		`${canonical}0`,
		canonical.replace(/.$/, 'U'),
		canonical.replace(/.$/, '!'),
	])('refuses %j', (typed) => expect(normalizeReceiptCode(typed)).toBeNull());
});

describe('hashReceiptCode', () => {
	it('is a one-way SHA-256 that does not contain the code', () => {
		const canonical = normalizeReceiptCode(generateReceiptCode())!;
		const hash = hashReceiptCode(canonical);
		expect(hash).toMatch(/^[0-9a-f]{64}$/);
		expect(hash.toUpperCase()).not.toContain(canonical);
		expect(hashReceiptCode(canonical)).toBe(hash);
	});
});

describe('formatReceiptCode', () => {
	it('groups a canonical code in fours', () => {
		expect(formatReceiptCode('ABCDEFGHJKMNPQRSTVWXYZ012345')).toBe(
			'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345',
		);
	});
});
