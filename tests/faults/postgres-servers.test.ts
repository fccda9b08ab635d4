import { parse } from 'node-html-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgresStore, selectRows, type Store } from '../../db/store.ts';
import { postForm } from '../helpers/http.ts';
import { createModerator, signIn } from '../helpers/moderators.ts';
import { usePostgresCluster } from '../helpers/postgres-cluster.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { submitStory, validStory } from '../helpers/share.ts';
import { storedSubmission } from '../helpers/stored.ts';
import {
	FAULT_LIMITS,
	formTokenFrom,
	sendStory,
	uniqueStory,
	waitFor,
	type SentStory,
} from './support.ts';

/**
 * Two app servers on one PostgreSQL database, as a deployment past one machine runs them
 * (README, Running on PostgreSQL): a story's whole life across both, one server killed
 * under load, and PostgreSQL itself stopped and started again under load.
 */
const postgres = usePostgresCluster();

/** The crisis lines every page carries (CrisisLines.astro). */
const CRISIS_LINES = 'section.crisis-lines a[href^="tel:"]';

const running: RunningServer[] = [];
const stores: Store[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.stop()));
	await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function twoServersOnOneDatabase(): Promise<{ servers: RunningServer[]; store: Store }> {
	const databaseUrl = await postgres.cluster.createDatabase();
	// Started together: both migrate the same new database at once.
	const servers = await Promise.all(
		[0, 1].map(() => startServer({ engine: 'postgres', databaseUrl, env: FAULT_LIMITS })),
	);
	running.push(...servers);
	const store = openPostgresStore(databaseUrl);
	stores.push(store);
	return { servers, store };
}

/** The stories a receipt was answered for and that the database does not hold. */
async function lostStories(store: Store, answered: Map<string, SentStory>): Promise<string[]> {
	const stored = new Set(
		(
			await store.read(({ query, tables }) =>
				query.select({ title: tables.submissions.title }).from(tables.submissions),
			)
		).map((row) => row.title),
	);
	return [...answered.values()].filter((story) => !stored.has(story.title)).map((s) => s.title);
}

describe('two app servers on one PostgreSQL database', () => {
	it('share on one, publish on the other, read on both; a withdrawal through one is gone from the other at once', async () => {
		const { servers, store } = await twoServersOnOneDatabase();
		const [one, two] = servers.map((server) => server.baseUrl) as [string, string];

		const story = validStory();
		const { receiptCode } = await submitStory(story, one);
		const shared = (await storedSubmission(store, { title: story.title }))!;
		const moderator = await createModerator({ store });
		const { cookie } = await signIn(moderator.username, moderator.password, two);
		await postForm(
			`/moderate/${shared.id}?_action=decideStory`,
			{ id: shared.id, version: String(shared.version), decision: 'publish' },
			{ baseUrl: two, headers: { cookie: cookie! } },
		);
		const { slug } = (await storedSubmission(store, { id: shared.id }))!;
		const page = `/stories/${slug}`;

		// Each server renders the page once, then answers it from its cache.
		for (const baseUrl of [one, two]) {
			for (let read = 0; read < 2; read += 1) {
				const response = await fetch(new URL(page, baseUrl));
				expect(response.status).toBe(200);
				expect(await response.text()).toContain(story.title);
			}
			const listed = await (await fetch(new URL('/stories', baseUrl))).text();
			expect(listed).toContain(story.title);
		}
		expect((await fetch(new URL(page, two))).headers.get('x-page-cache')).toBe('hit');

		const withdrawn = await postForm(
			'/my-story?_action=withdrawMyStory',
			{ code: receiptCode!, intent: 'withdraw' },
			{ baseUrl: one },
		);
		expect(withdrawn.status).toBe(200);
		// At once, on the server that did not take the withdrawal: no wait for anything.
		const gone = await fetch(new URL(page, two));
		expect(gone.status).toBe(410);
		expect(await gone.text()).not.toContain(story.title);
		expect(await (await fetch(new URL('/stories', two))).text()).not.toContain(story.title);
		const search = await fetch(new URL(`/search?q=${encodeURIComponent('meeting')}`, two));
		expect(await search.text()).not.toContain(story.title);
	});

	it('hold the sign-in limits together: wrong passwords through one server count on the other', async () => {
		const { servers, store } = await twoServersOnOneDatabase();
		const moderator = await createModerator({ store });
		// Five wrong passwords for one name from one address, taking turns between the servers.
		const wrong = [];
		for (let attempt = 0; attempt < 5; attempt++) {
			const server = servers[attempt % 2]!.baseUrl;
			wrong.push((await signIn(moderator.username, 'not-the-password', server)).response.status);
		}
		expect(wrong).toEqual([401, 401, 401, 401, 401]);
		// That address is stopped on both, even with the right password.
		for (const server of servers) {
			const { response, cookie } = await signIn(
				moderator.username,
				moderator.password,
				server.baseUrl,
			);
			expect(response.status).toBe(429);
			expect(cookie).toBeNull();
		}
		// Nothing that names the moderator, or the address, is what the database keeps.
		const kept = await store.read((scope) =>
			selectRows<{ key: string; startedAt: string }>(
				scope,
				sql`SELECT key, started_at AS "startedAt" FROM rate_limit_windows`,
			),
		);
		expect(kept.length).toBeGreaterThan(0);
		for (const row of kept) {
			expect(row.key).not.toContain(moderator.username);
			expect(row.key).not.toContain('127.0.0.1');
			expect(Number(row.startedAt) % (15 * 60 * 1000)).toBe(0);
		}
	});

	it('loses no acknowledged story when one server is killed (SIGKILL) under mixed load', async () => {
		const { servers, store } = await twoServersOnOneDatabase();
		const [victim, survivor] = servers as [RunningServer, RunningServer];
		const formToken = await formTokenFrom(survivor.baseUrl);
		const answered = new Map<string, SentStory>();
		let sent = 0;
		let stop = false;
		const load = Array.from({ length: 12 }, async (_, worker) => {
			while (!stop) {
				const server = worker % 2 ? victim : survivor;
				const outcome = await sendStory(server.baseUrl, formToken, uniqueStory('pg-kill'));
				sent += 1;
				if (outcome.status === 200 && outcome.receiptCode)
					answered.set(outcome.receiptCode, outcome.story);
				if (worker % 3 === 0) await fetch(new URL('/stories', survivor.baseUrl)).catch(() => {});
			}
		});
		await waitFor('40 stories answered', () => answered.size >= 40);
		await victim.kill();
		running.splice(running.indexOf(victim), 1);
		const sentAtKill = sent;
		await waitFor('40 more stories sent after the kill', () => sent >= sentAtKill + 40);
		stop = true;
		await Promise.all(load);

		expect(await lostStories(store, answered)).toEqual([]);
		// The survivor kept answering through it all.
		expect((await fetch(new URL('/healthz', survivor.baseUrl))).status).toBe(200);
	});

	it('answers 503 keeping the text while PostgreSQL is down, and recovers without a restart', async () => {
		const { servers, store } = await twoServersOnOneDatabase();
		const [server] = servers as [RunningServer];
		const formToken = await formTokenFrom(server.baseUrl);
		const before = await sendStory(server.baseUrl, formToken, uniqueStory('pg-before'));
		expect(before.status).toBe(200);

		await postgres.cluster.halt();
		try {
			const story = uniqueStory('pg-down');
			const during = await sendStory(server.baseUrl, formToken, story);
			expect(during.status).toBe(503);
			// The writer's words come back in the form, ready to send again.
			const form = parse(during.html);
			expect(form.querySelector('textarea[name="body"]')?.textContent).toContain(story.body);
			// A page that needs the library says so, and still carries the crisis lines.
			const page = await fetch(new URL('/stories', server.baseUrl));
			expect(page.status).toBe(503);
			expect(page.headers.get('retry-after')).toBe('30');
			const shown = parse(await page.text());
			expect(shown.querySelector('h1')?.textContent).toBe('Stories are out of reach for a moment');
			expect(shown.querySelector(CRISIS_LINES)).not.toBeNull();
		} finally {
			await postgres.cluster.resume();
		}

		// Back without restarting the app: new stories are taken, old ones kept.
		const after = await waitFor('a story taken after PostgreSQL is back', async () => {
			const outcome = await sendStory(server.baseUrl, formToken, uniqueStory('pg-after'));
			return outcome.status === 200 ? outcome : undefined;
		});
		const answered = new Map<string, SentStory>([
			[before.receiptCode!, before.story],
			[after.receiptCode!, after.story],
		]);
		expect(await lostStories(store, answered)).toEqual([]);
		expect((await fetch(new URL('/stories', server.baseUrl))).status).toBe(200);
	});
});
