import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore, postgresOf, type Store } from '../../db/store.ts';
import { LIST_PAGES } from '../../src/lib/server/page-scopes.ts';
import {
	followPageGenerations,
	markPagesChangedPostgres,
	type FollowOptions,
	type PageGenerationFollower,
} from '../../src/lib/server/page-generations-postgres.ts';
import { usePostgresCluster } from '../helpers/postgres-cluster.ts';

const postgres = usePostgresCluster();

interface AppServer {
	store: Store;
	follower: PageGenerationFollower;
	/** The generation of the page at `path` as this server would judge its cached copy now. */
	generationOf(path: string): number;
}

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
	await Promise.all(closing.splice(0).map((close) => close()));
});

/** An app server on the database at `url`: its store and its follower, under its own name. */
function appServer(url: string, name: string, options?: FollowOptions): AppServer {
	const named = new URL(url);
	named.searchParams.set('application_name', name);
	const store = openPostgresStore(named.href);
	const follower = followPageGenerations(named.href, options);
	closing.push(
		() => follower.close(),
		() => store.close(),
	);
	return { store, follower, generationOf: (path) => follower.lookAtGenerations()(path) };
}

/** Two app servers on one fresh database. */
async function twoServers(options?: FollowOptions): Promise<[AppServer, AppServer]> {
	const url = await postgres.cluster.createMigratedDatabase();
	return [appServer(url, 'server-a'), appServer(url, 'server-b', options)];
}

/** Waits, without sleeping, until the follower's looks make `holds` true. */
async function until(server: AppServer, holds: () => boolean): Promise<void> {
	while (!holds()) await server.follower.nextChange();
}

/** Waits until the server knows every counter the pages depend on; gives their generations. */
async function known(server: AppServer, ...paths: string[]): Promise<number[]> {
	await until(server, () => paths.every((path) => !Number.isNaN(server.generationOf(path))));
	return paths.map((path) => server.generationOf(path));
}

const mark = (server: AppServer, ...pageScopes: string[]) =>
	server.store.transact(async (scope) => {
		for (const pageScope of pageScopes) await markPagesChangedPostgres(scope, pageScope);
	});

const STORY = '/stories/a-story';
const LIST = '/stories';

describe('followPageGenerations', () => {
	it("takes its own server's change before the transaction resolves, another's from the notification", async () => {
		const [a, b] = await twoServers();
		const [before] = await known(a, LIST);
		expect(await known(b, LIST)).toEqual([before]);

		await mark(a, LIST_PAGES);
		expect(a.generationOf(LIST)).toBe(before! + 1);
		await until(b, () => b.generationOf(LIST) === before! + 1);

		await mark(b, LIST_PAGES);
		expect(b.generationOf(LIST)).toBe(before! + 2);
		await until(a, () => a.generationOf(LIST) === before! + 2);
	});

	it('moves nothing anywhere for a change that is rolled back', async () => {
		const [a, b] = await twoServers();
		const before = await known(a, LIST, STORY);
		expect(await known(b, LIST, STORY)).toEqual(before);

		const undone = a.store.transact(async (scope) => {
			await markPagesChangedPostgres(scope, LIST_PAGES);
			await markPagesChangedPostgres(scope, STORY);
			throw new Error('refused');
		});
		await expect(undone).rejects.toThrow('refused');
		// Notifications arrive in commit order: once B has this one, it would have had any before.
		await mark(a, '/stories/a-later-story');
		await until(b, () => b.generationOf('/stories/a-later-story') === 1);
		expect([a.generationOf(LIST), a.generationOf(STORY)]).toEqual(before);
		expect([b.generationOf(LIST), b.generationOf(STORY)]).toEqual(before);
	});

	it('moves a story page with its own path and every page, not with the lists', async () => {
		const [a, b] = await twoServers();
		const [list, story] = (await known(b, LIST, STORY)) as [number, number];
		const bAgrees = () =>
			until(
				b,
				() =>
					b.generationOf(LIST) === a.generationOf(LIST) &&
					b.generationOf(STORY) === a.generationOf(STORY),
			);
		await known(a, LIST, STORY);

		await mark(a, LIST_PAGES);
		expect([a.generationOf(LIST), a.generationOf(STORY)]).toEqual([list + 1, story]);
		await bAgrees();

		await mark(a, STORY);
		expect([a.generationOf(LIST), a.generationOf(STORY)]).toEqual([list + 1, story + 1]);
		await bAgrees();

		await mark(a, '*');
		expect([a.generationOf(LIST), a.generationOf(STORY)]).toEqual([list + 2, story + 2]);
		await bAgrees();
	});

	it('answers NaN while its listening connection is down, then the counters as they are now', async () => {
		let reconnect!: () => void;
		const reconnecting = new Promise<void>((resolve) => (reconnect = resolve));
		const [a, b] = await twoServers({ waitBeforeReconnect: () => reconnecting });
		const before = await known(b, LIST, STORY);
		await known(a, LIST, STORY);

		const admin = new pg.Client({ connectionString: postgres.cluster.url });
		await admin.connect();
		try {
			const { rows } = await admin.query<{ ended: boolean }>(
				`SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
				 WHERE application_name = 'server-b'`,
			);
			// B's store has not connected yet: its listening connection is the one there is.
			expect(rows).toEqual([{ ended: true }]);
		} finally {
			await admin.end();
		}
		await until(b, () => Number.isNaN(b.generationOf(LIST)));
		expect(b.generationOf(STORY)).toBeNaN();

		// Committed while B cannot hear it.
		await mark(a, LIST_PAGES, STORY);
		expect([a.generationOf(LIST), a.generationOf(STORY)]).toEqual([before[0]! + 1, before[1]! + 1]);
		expect(b.generationOf(LIST)).toBeNaN();
		expect(b.generationOf(STORY)).toBeNaN();

		reconnect();
		await known(b, LIST, STORY);
		expect([b.generationOf(LIST), b.generationOf(STORY)]).toEqual([before[0]! + 1, before[1]! + 1]);
	});

	it("reads a batch's counters afresh: a change another server committed is seen before its notification", async () => {
		const [a, b] = await twoServers();
		const before = await known(b, LIST);
		// A change whose notification never comes (as if lost): only a fresh read can see it.
		await a.store.transact((scope) =>
			postgresOf(scope).execute(
				sql`INSERT INTO page_generations (scope, generation) VALUES (${LIST_PAGES}, 1)
					ON CONFLICT (scope) DO UPDATE SET generation = page_generations.generation + 1`,
			),
		);
		expect(b.generationOf(LIST)).toBe(before[0]);
		const look = await b.follower.lookAtGenerationsOf([LIST, STORY]);
		expect(look(LIST)).toBe(before[0]! + 1);
		expect(look(STORY)).not.toBeNaN();
	});
});
