import { readFileSync } from 'node:fs';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { textOf } from '../helpers/html.ts';
import { postForm } from '../helpers/http.ts';
import { startServer, TEST_ENGINE, type RunningServer } from '../helpers/server.ts';
import { fetchFormToken, submitStory, validStory } from '../helpers/share.ts';
import { storedStoryCount } from '../helpers/stored.ts';

/** A server of its own with the production limits, so the limits can be reached. */
let server: RunningServer;
beforeAll(async () => {
	server = await startServer({ env: { SUBMISSION_MINIMUM_FILL_SECONDS: '0' } });
});
afterAll(() => server.stop());

/** How many stories `server` has stored. */
async function rowsIn(server: RunningServer): Promise<number> {
	const store = server.openStore();
	try {
		return await storedStoryCount(store);
	} finally {
		await store.close();
	}
}

describe('rate limits (production defaults)', () => {
	it('takes 5 stories an hour from one address, then answers 429 keeping the text', async () => {
		for (let i = 0; i < 5; i++) {
			expect((await submitStory(validStory(), server.baseUrl)).response.status).toBe(200);
		}
		const story = validStory();
		const refused = await submitStory(story, server.baseUrl);
		expect(refused.response.status).toBe(429);
		const document = parse(refused.html);
		expect(textOf(document.querySelector('.form-problem'))).toMatch(/try again in \d+ minutes?/);
		expect(document.querySelector('textarea#body')?.textContent).toBe(story.body);
		expect(await rowsIn(server)).toBe(5);
	});

	it('allows 20 receipt look-ups an hour from one address, then answers 429', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 21; i++) {
			statuses.push(
				(
					await postForm(
						'/my-story?_action=lookUpMyStory',
						{ code: 'nope' },
						{ baseUrl: server.baseUrl },
					)
				).status,
			);
		}
		expect(statuses.slice(0, 20).every((status) => status === 404)).toBe(true);
		expect(statuses[20]).toBe(429);
	});
});

describe('the preview limit', () => {
	let limited: RunningServer;
	beforeAll(async () => {
		limited = await startServer({ env: { LIMIT_PREVIEWS_PER_ADDRESS_PER_HOUR: '3' } });
	});
	afterAll(() => limited.stop());

	it('answers 429 after the allowed previews, keeping every field as typed', async () => {
		const story = validStory({ penName: 'Kestrel', topics: ['alcohol'] });
		const preview = () =>
			postForm(
				'/share?_action=shareStory',
				{ ...story, intent: 'preview' },
				{ baseUrl: limited.baseUrl },
			);
		for (let i = 0; i < 3; i++) expect((await preview()).status).toBe(200);
		const refused = await preview();
		expect(refused.status).toBe(429);
		const document = parse(await refused.text());
		expect(textOf(document.querySelector('.form-problem'))).toMatch(
			/previews.*try again in \d+ minutes?.*Nothing you wrote has been lost/s,
		);
		expect(document.querySelector('textarea#body')?.textContent).toBe(story.body);
		expect(document.querySelector('input#title')?.getAttribute('value')).toBe(story.title);
		expect(document.querySelector('input#penName')?.getAttribute('value')).toBe('Kestrel');
		expect(document.querySelector('input[value="alcohol"]')?.hasAttribute('checked')).toBe(true);
	});
});

describe('a preview built to stall the server', () => {
	it('is answered, three at once, while /healthz keeps answering promptly', async () => {
		// At 8ef625a each of these cost 4 s of CPU and held every other request meanwhile.
		const story = validStory({ body: `www.x.com/${')'.repeat(19_990)}` });
		const previews = Array.from({ length: 3 }, () =>
			postForm(
				'/share?_action=shareStory',
				{ ...story, intent: 'preview' },
				{ baseUrl: server.baseUrl },
			),
		);
		const startedAt = performance.now();
		const health = await fetch(new URL('/healthz', server.baseUrl));
		const healthMilliseconds = performance.now() - startedAt;
		expect(health.status).toBe(200);
		// Generous: a shared machine can be slow, but not the seconds a stalled server takes.
		expect(healthMilliseconds).toBeLessThan(5_000);
		for (const response of await Promise.all(previews)) {
			expect(response.status).toBe(200);
			const document = parse(await response.text());
			expect(textOf(document.querySelector('.check-identifying'))).toContain('www.x.com/');
		}
	});
});

describe('the minimum time to fill the form', () => {
	let strict: RunningServer;
	beforeAll(async () => {
		strict = await startServer();
	});
	afterAll(() => strict.stop());

	it('takes a form sent back within seconds for a bot: it looks accepted, nothing is stored', async () => {
		const { response, receiptCode } = await submitStory(validStory(), strict.baseUrl);
		expect(response.status).toBe(200);
		expect(receiptCode).not.toBeNull();
		expect(await rowsIn(strict)).toBe(0);
	});
});

describe('privacy of a submission', () => {
	const identifying = [
		'PrivacyProbe/7.7 (unique-agent-3f9c)',
		'203.0.113.77',
		'127.0.0.1',
		'referrer.example',
	];
	let fresh: RunningServer;
	beforeAll(async () => {
		fresh = await startServer({ env: { SUBMISSION_MINIMUM_FILL_SECONDS: '0' } });
		const response = await postForm(
			'/share?_action=shareStory',
			{ ...validStory(), formToken: await fetchFormToken(fresh.baseUrl), intent: 'submit' },
			{
				baseUrl: fresh.baseUrl,
				headers: {
					'user-agent': identifying[0]!,
					'x-forwarded-for': identifying[1]!,
					referer: 'https://referrer.example/secret-page',
				},
			},
		);
		expect(response.status).toBe(200);
		expect(await rowsIn(fresh)).toBe(1);
	});
	afterAll(() => fresh?.stop());

	it('leaves neither the address, the user agent nor the referrer in the server output', () => {
		// The start-up line names the listening address; everything else must not.
		const output = fresh
			.output()
			.split('\n')
			.filter((line) => !line.includes('listening on'))
			.join('\n');
		for (const detail of identifying) expect(output).not.toContain(detail);
	});

	it.skipIf(TEST_ENGINE === 'postgres')(
		'leaves none of them in the database file (SQLite only: it reads the file itself)',
		() => {
			const database = openDatabase(fresh.databasePath);
			database.$client.pragma('wal_checkpoint(TRUNCATE)');
			database.$client.close();
			const stored = readFileSync(fresh.databasePath).toString('latin1');
			for (const detail of identifying) expect(stored).not.toContain(detail);
		},
	);
});
