import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { createTempFolder } from '../helpers/temp-database.ts';
import {
	FAULT_LIMITS,
	formTokenFrom,
	lookUpReceipt,
	lostStories,
	sendStory,
	uniqueStory,
	type SentStory,
} from './support.ts';

const folder = createTempFolder('common-thread-two-');
const databasePath = join(folder, 'data', 'common-thread.db');
let servers: RunningServer[] = [];
afterAll(async () => {
	await Promise.all(servers.map((server) => server.stop()));
	rmSync(folder, { recursive: true, force: true });
});

const READING_PAGES = ['/', '/stories', '/search?q=meeting', '/share', '/about', '/healthz'];
const OPERATIONS = 1_200;
const WORKERS = 24;
/** What a database error looks like when it leaks into a page. */
const DATABASE_ERROR_TEXT = /SQLITE_|database is locked|Failed query/i;

interface Answer {
	what: string;
	status: number | null;
	text: string;
}

describe('two server processes on one database file under mixed load', () => {
	it('answers every request without a server error or a database message, and loses nothing', async () => {
		// Started together: both migrate the same new file at once.
		servers = await Promise.all([
			startServer({ databasePath, env: FAULT_LIMITS }),
			startServer({ databasePath, env: FAULT_LIMITS }),
		]);
		const baseUrls = servers.map((server) => server.baseUrl);
		// A form shown by one process is accepted by the other (they share the signing secret).
		const formToken = await formTokenFrom(baseUrls[0]!);
		const answered = new Map<string, SentStory>();
		const answers: Answer[] = [];
		const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

		let remaining = OPERATIONS;
		const operation = async (): Promise<Answer> => {
			const baseUrl = pick(baseUrls);
			const kind = Math.random();
			if (kind < 0.45 || answered.size === 0) {
				const outcome = await sendStory(baseUrl, formToken, uniqueStory('two-processes'));
				if (outcome.status === 200 && outcome.receiptCode) {
					answered.set(outcome.receiptCode, outcome.story);
				}
				return { what: `submit to ${baseUrl}`, status: outcome.status, text: outcome.html };
			}
			if (kind < 0.75) {
				// A receipt answered by either process, looked up on either.
				const code = pick([...answered.keys()]);
				const { status, html } = await lookUpReceipt(baseUrl, code);
				return { what: `look up ${code} on ${baseUrl}`, status, text: html };
			}
			const path = pick(READING_PAGES);
			const response = await fetch(new URL(path, baseUrl));
			return {
				what: `GET ${path} on ${baseUrl}`,
				status: response.status,
				text: await response.text(),
			};
		};
		await Promise.all(
			Array.from({ length: WORKERS }, async () => {
				while (remaining-- > 0) {
					answers.push(
						await operation().catch((error: Error) => ({
							what: 'a request that got no answer',
							status: null,
							text: error.message,
						})),
					);
				}
			}),
		);

		const failed = answers.filter(
			(answer) =>
				answer.status === null || answer.status >= 500 || DATABASE_ERROR_TEXT.test(answer.text),
		);
		expect(failed.map(({ what, status }) => `${what}: ${status}`)).toEqual([]);
		// Every look-up of an answered receipt found its story, whichever process was asked.
		expect(
			answers.filter(({ what, status }) => what.startsWith('look up') && status !== 200),
		).toEqual([]);
		expect(answered.size).toBeGreaterThan(OPERATIONS * 0.3);
		expect(lostStories(databasePath, answered)).toEqual([]);
		for (const server of servers) {
			const [code, story] = [...answered][0]!;
			const { html } = await lookUpReceipt(server.baseUrl, code);
			expect(html).toContain(story.title);
		}
	});
});
