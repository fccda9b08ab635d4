import { describe, expect, it } from 'vitest';
import {
	RECEIPT_FILE_NAME,
	receiptDownloadHref,
	receiptFileText,
} from '../../src/lib/receipt-file.ts';

const CODE = '7KQ2-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01';
const MY_STORY = new URL('https://stories.example.org/my-story');

describe('receiptFileText', () => {
	it('holds the code, the full /my-story address and the advice about shared devices', () => {
		const text = receiptFileText(CODE, MY_STORY);
		expect(text).toContain(`\n${CODE}\n`);
		expect(text).toContain('https://stories.example.org/my-story');
		expect(text).toMatch(/where only you can reach it/);
		expect(text).toMatch(/someone else uses/);
	});
});

describe('receiptDownloadHref', () => {
	it('is a plain-text data link that decodes back to the receipt, line breaks included', () => {
		const href = receiptDownloadHref(CODE, MY_STORY);
		const prefix = 'data:text/plain;charset=utf-8,';
		expect(href.startsWith(prefix)).toBe(true);
		expect(decodeURIComponent(href.slice(prefix.length))).toBe(receiptFileText(CODE, MY_STORY));
	});
});

describe('RECEIPT_FILE_NAME', () => {
	it('names neither the site nor recovery', () => {
		expect(RECEIPT_FILE_NAME).not.toMatch(/common|thread|recover|story|addict/i);
	});
});
