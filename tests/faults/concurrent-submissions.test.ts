import { count } from 'drizzle-orm';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { submissionReceipts, submissions } from '../../db/schema.ts';
import { normalizeReceiptCode } from '../../src/lib/receipt-codes.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import {
	FAULT_LIMITS,
	findStoredStory,
	formTokenFrom,
	lookUpReceipt,
	sendStory,
	uniqueStory,
} from './support.ts';

const WRITERS = 1_000;

let server: RunningServer;
beforeAll(async () => {
	server = await startServer({ env: FAULT_LIMITS });
});
afterAll(() => server?.stop());

describe('1,000 writers sending their stories at the same moment', () => {
	it('stores exactly 1,000 stories, each under its own working receipt, with no server error', async () => {
		const formToken = await formTokenFrom(server.baseUrl);
		const stories = Array.from({ length: WRITERS }, () => uniqueStory('concurrent'));
		const outcomes = await Promise.all(
			stories.map((story) => sendStory(server.baseUrl, formToken, story)),
		);

		const statuses = outcomes.map((outcome) => outcome.status);
		expect(statuses.filter((status) => status === null || status >= 500)).toEqual([]);
		expect(statuses.every((status) => status === 200)).toBe(true);
		const codes = outcomes.map((outcome) => outcome.receiptCode);
		expect(codes.every((code) => code !== null && normalizeReceiptCode(code) !== null)).toBe(true);
		expect(new Set(codes).size).toBe(WRITERS);

		const database = openDatabase(server.databasePath);
		try {
			expect(database.select({ total: count() }).from(submissions).get()!.total).toBe(WRITERS);
			expect(database.select({ total: count() }).from(submissionReceipts).get()!.total).toBe(
				WRITERS,
			);
			// Each code opens the very story it was given for, title and text exactly as sent.
			const mismatched = outcomes.filter(({ receiptCode, story }) => {
				const stored = findStoredStory(database, receiptCode!);
				return stored?.title !== story.title || stored.body !== story.body;
			});
			expect(mismatched.map((outcome) => outcome.receiptCode)).toEqual([]);
		} finally {
			database.$client.close();
		}

		// And a writer can use it: a sample looked up at /my-story shows their own story.
		for (const { receiptCode, story } of outcomes.filter((_, index) => index % 50 === 0)) {
			const { status, html } = await lookUpReceipt(server.baseUrl, receiptCode!);
			expect(status).toBe(200);
			expect(parse(html).querySelector('textarea#body')?.textContent).toBe(story.body);
		}
	});
});
