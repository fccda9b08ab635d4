import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { createTempFolder } from '../helpers/temp-database.ts';
import {
	FAULT_LIMITS,
	formTokenFrom,
	integrityOf,
	lookUpReceipt,
	lostStories,
	startSubmissionLoad,
	waitFor,
	type SentStory,
} from './support.ts';

const folder = createTempFolder('common-thread-crash-');
const databasePath = join(folder, 'data', 'common-thread.db');
let server: RunningServer | undefined;
afterAll(async () => {
	await server?.stop();
	rmSync(folder, { recursive: true, force: true });
});

describe('a server killed (SIGKILL) in the middle of a submission load', () => {
	it('loses no story it answered with a receipt, across two crashes and restarts', async () => {
		const answered = new Map<string, SentStory>();
		for (const round of [1, 2]) {
			server = await startServer({ databasePath, env: FAULT_LIMITS });
			const load = startSubmissionLoad({
				baseUrls: [server.baseUrl],
				formToken: await formTokenFrom(server.baseUrl),
				workers: 16,
				label: `crash-${round}`,
			});
			try {
				// Kill it while sixteen submissions are in flight, some of them mid-commit.
				await waitFor('80 answered submissions', () => load.answered.size >= 80);
				expect(load.inFlight()).toBeGreaterThan(0);
				await server.kill();
				server = undefined;
			} finally {
				await load.stop();
			}
			for (const [code, story] of load.answered) answered.set(code, story);
			// Cut connections are expected; an error page is not.
			expect(load.outcomes.filter((outcome) => (outcome.status ?? 0) >= 500)).toEqual([]);
		}

		server = await startServer({ databasePath, env: FAULT_LIMITS });
		expect(integrityOf(databasePath)).toBe('ok');
		expect(lostStories(databasePath, answered)).toEqual([]);
		// Writers can still use every receipt they were given.
		for (const [code, story] of answered) {
			const { status, html } = await lookUpReceipt(server.baseUrl, code);
			expect(status, code).toBe(200);
			expect(parse(html).querySelector('input#title')?.getAttribute('value')).toBe(story.title);
		}
	});
});
