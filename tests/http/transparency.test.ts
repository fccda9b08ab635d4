import { randomUUID } from 'node:crypto';
import type { HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../../src/lib/server/audit.ts';
import { markPagesChanged } from '../../src/lib/server/page-generations.ts';
import { fetchDocument, textOf } from '../helpers/html.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

/** The oldest month the page shows: other tests' stories all arrive today. */
const now = new Date();
const oldest = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
const oldestHeading = new Intl.DateTimeFormat('en-US', {
	month: 'long',
	year: 'numeric',
	timeZone: 'UTC',
}).format(oldest);
const dayOfOldest = (day: number) => new Date(oldest.getTime() + (day - 1) * 86_400_000);
const titles: string[] = [];

beforeAll(async () => {
	// Five stories arrived on the 1st and were declined for medical instructions after
	// 2, 2, 3, 4 and 4 days: a median of 3 days.
	for (const wait of [2, 2, 3, 4, 4]) {
		const id = randomUUID();
		titles.push(`Transparency seed ${id}`);
		await store.transact(({ query, tables: { submissions } }) =>
			query.insert(submissions).values({
				id,
				title: titles.at(-1)!,
				body: 'Words',
				bodyHtml: '<p>Words</p>',
				createdDay: dayOfOldest(1).toISOString().slice(0, 10),
				status: 'rejected',
				decisionReason: 'medical-claims',
			}),
		);
		const decided = dayOfOldest(1 + wait);
		decided.setUTCHours(10);
		await store.transact((scope) =>
			appendAuditEvent(
				scope,
				{ submissionId: id, action: 'decline', reason: 'medical-claims' },
				decided,
			),
		);
	}
	await store.transact((scope) => markPagesChanged(scope));
});

/** Each row of a month's table, label to figure. */
function figuresOf(section: HTMLElement): Record<string, string> {
	return Object.fromEntries(
		section
			.querySelectorAll('tr')
			.map((row) => [textOf(row.querySelector('th')), textOf(row.querySelector('td'))]),
	);
}

describe('GET /transparency', () => {
	it('is public and cacheable like the other reading pages, and linked from every page', async () => {
		const { response } = await fetchDocument('/transparency');
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toMatch(/^public/);
		const { document: home } = await fetchDocument('/');
		expect(home.querySelector('footer a[href="/transparency"]')).not.toBeNull();
	});

	it('shows twelve months newest first and explains why small figures are withheld', async () => {
		const { document } = await fetchDocument('/transparency');
		const headings = document.querySelectorAll('main h2').map((heading) => textOf(heading));
		expect(headings).toHaveLength(12);
		expect(headings.at(-1)).toBe(oldestHeading);
		expect(textOf(document.querySelector('main'))).toMatch(/fewer than 5 stories behind it/);
	});

	it('shows a month’s figures, by reason, with small ones withheld and no story named', async () => {
		const { document } = await fetchDocument('/transparency');
		const section = document.querySelectorAll('main section').at(-1)!;
		expect(figuresOf(section)).toMatchObject({
			'Stories received': '5',
			Published: 'fewer than 5',
			Declined: '5',
			'It gives medical instructions': '5',
			'It identifies someone': 'fewer than 5',
			'Median wait for a decision': '3 days',
		});
		const page = document.toString();
		for (const title of titles) expect(page).not.toContain(title);
	});
});
