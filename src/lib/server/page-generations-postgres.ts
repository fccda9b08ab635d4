import { sql } from 'drizzle-orm';
import { setTimeout as wait } from 'node:timers/promises';
import pg from 'pg';
import { pageGenerations } from '../../../db/schema-pg.ts';
import { postgresOf, type Scope } from '../../../db/store.ts';
import {
	EVERY_PAGE,
	REMEMBERED_PATHS,
	scopesOfPage,
	type GenerationsAsLookedAt,
} from './page-scopes.ts';

/**
 * page-generations.ts's counters on PostgreSQL (issue 14). There is no shared file to look
 * at: each server keeps the counters in memory, learns another server's change from a
 * notification PostgreSQL sends only once that change has committed, and takes its own
 * before the writer is answered. What it cannot vouch for (a counter not loaded yet, or any
 * while its listening connection is down) reads NaN, which matches no cached page.
 */

const CHANNEL = 'page_generations';

/**
 * Which server a connection belongs to: its database and the name it connected under. In
 * production a process has one follower and one store on one URL, so they always agree;
 * two followers in one process (two servers in a test) stay apart by application_name.
 */
const SERVER = `current_setting('port') || ' ' || current_database() || ' ' || current_setting('application_name')`;

interface Follower {
	server: string | null;
	learn(scope: string, generation: number): void;
}

/**
 * The followers in this process: each takes the commits made through its own server at once.
 * Kept on the global object: the front door (dist/serve.mjs) and Astro's pages are separate
 * bundles, each with its own copy of this module, and the pages' commits must reach the
 * front door's follower.
 */
const FOLLOWERS = Symbol.for('common-thread.page-generation-followers');
const followersHere = ((globalThis as Record<symbol, Set<Follower> | undefined>)[FOLLOWERS] ??=
	new Set<Follower>());

/**
 * Tells every server that cached pages in `pageScope` are out of date, in the caller's
 * transaction: the counter moves and the notification goes out only if it commits. This
 * server's follower takes the new generation before `transact` settles, so a reader
 * reloading right after the change never gets the old page from it.
 */
export async function markPagesChangedPostgres(
	scope: Scope,
	pageScope: string = EVERY_PAGE,
): Promise<void> {
	if (scope.engine !== 'postgres') throw new Error('markPagesChangedPostgres needs PostgreSQL.');
	const { rows } = await postgresOf(scope).execute<{
		generation: number;
		server: string;
	}>(sql`
		WITH counted AS (
			INSERT INTO ${pageGenerations} (scope, generation) VALUES (${pageScope}, 1)
			ON CONFLICT (scope) DO UPDATE SET generation = ${pageGenerations.generation} + 1
			RETURNING generation
		)
		SELECT generation, ${sql.raw(SERVER)} AS server, pg_notify(${CHANNEL}, ${pageScope} || ' ' || generation)
		FROM counted`);
	const { generation, server } = rows[0]!;
	scope.afterCommit(() => {
		for (const follower of followersHere) {
			if (follower.server === server) follower.learn(pageScope, generation);
		}
	});
}

export interface PageGenerationFollower {
	/** One look: the generation of each page as this server knows it now, NaN where it cannot. */
	lookAtGenerations(): GenerationsAsLookedAt;
	/**
	 * One look at the database for a batch of requests: the counters their pages depend on
	 * are read afresh first, so a change committed through any server before the batch was
	 * read is seen, whether or not its notification has arrived. NaN where it cannot tell.
	 */
	lookAtGenerationsOf(pathnames: readonly string[]): Promise<GenerationsAsLookedAt>;
	/** Settles at the next change to what a look answers (a notification, a load, a lost or regained connection). */
	nextChange(): Promise<void>;
	close(): Promise<void>;
}

export interface FollowOptions {
	/** Waits before the n-th attempt (1, 2, …) to connect again; default: 100 ms doubling to 5 s. */
	waitBeforeReconnect?: (attempt: number) => Promise<void>;
}

const backoff = (attempt: number) =>
	wait(Math.min(100 * 2 ** (attempt - 1), 5000), undefined, { ref: false });

/**
 * Follows the page counters of the database at `url` over one dedicated connection that
 * LISTENs for their changes. A counter a look needs and this server does not know is
 * loaded once, asynchronously (the look answers NaN meanwhile). When the connection drops,
 * notifications may be missed: every counter is forgotten (NaN) until it is connected again
 * and has read them afresh from the table.
 */
export function followPageGenerations(
	url: string,
	{ waitBeforeReconnect = backoff }: FollowOptions = {},
): PageGenerationFollower {
	/** Only counters learnt while listening: every later commit then reaches us too. */
	const known = new Map<string, number>();
	/** Scopes to load once connected, and scopes being loaded. */
	const wanted = new Set<string>();
	const loading = new Set<string>();
	let client: pg.Client | null = null;
	/** Moves when the connection is lost: a load begun before then is not to be trusted. */
	let connection = 0;
	let closed = false;
	let waiting: (() => void)[] = [];

	function changed() {
		const settle = waiting;
		waiting = [];
		for (const resolve of settle) resolve();
	}

	const follower: Follower = {
		server: null,
		learn(scope, generation) {
			if (!client) return;
			const current = known.get(scope);
			// Counters only grow; a notification may arrive after a load that already saw it.
			if (current !== undefined && current >= generation) return;
			// Forgetting only makes pages miss until their counters are loaded again.
			if (current === undefined && known.size >= REMEMBERED_PATHS) known.clear();
			known.set(scope, generation);
			changed();
		},
	};

	/**
	 * Counters of `scopes` as stored now, read on the listening connection: it was LISTENing
	 * before the read began, so a commit the read does not see is notified. One read at a
	 * time: pg will refuse a query sent while another runs on the same connection.
	 */
	let reading: Promise<unknown> = Promise.resolve();
	function readCounters(listening: pg.Client, scopes: readonly string[]) {
		const read = reading.then(() =>
			listening.query<{ scope: string; generation: number }>(
				'SELECT scope, generation FROM page_generations WHERE scope = ANY($1)',
				[scopes],
			),
		);
		reading = read.catch(() => {});
		return read;
	}

	async function load(): Promise<void> {
		const listening = client;
		if (!listening || wanted.size === 0) return;
		const scopes = [...wanted];
		wanted.clear();
		for (const scope of scopes) loading.add(scope);
		const loadedOn = connection;
		try {
			const { rows } = await readCounters(listening, scopes);
			if (loadedOn !== connection) return;
			const found = new Map(rows.map((row) => [row.scope, row.generation]));
			for (const scope of scopes) follower.learn(scope, found.get(scope) ?? 0);
		} catch {
			// The connection failed: lost() forgets everything and a later look asks again.
		} finally {
			for (const scope of scopes) loading.delete(scope);
		}
	}

	function want(scope: string) {
		// Bounded during a long outage too: a scope left out is asked for by a later look.
		if (wanted.has(scope) || loading.has(scope) || wanted.size >= REMEMBERED_PATHS) return;
		if (wanted.size === 0) queueMicrotask(() => void load());
		wanted.add(scope);
	}

	function lost(which: pg.Client) {
		if (which !== client) return;
		client = null;
		connection++;
		for (const scope of known.keys()) wanted.add(scope);
		known.clear();
		changed();
		which.end().catch(() => {});
		if (!closed) void connect(1);
	}

	/** Connects and listens: attempt 0 at once, every later one after a wait that grows. */
	async function connect(attempt: number): Promise<void> {
		for (; !closed; attempt++) {
			if (attempt > 0) await waitBeforeReconnect(attempt);
			if (closed) return;
			const next = new pg.Client({ connectionString: url });
			// Also after it is lost: a late error must not go unhandled and crash the process.
			next.on('error', () => lost(next));
			try {
				await next.connect();
				await next.query(`LISTEN ${CHANNEL}`);
				const { rows } = await next.query<{ server: string }>(`SELECT ${SERVER} AS server`);
				follower.server = rows[0]!.server;
			} catch (error) {
				console.error(`Following page generations: ${(error as Error).message}`);
				next.end().catch(() => {});
				continue;
			}
			if (closed) return void next.end().catch(() => {});
			next.on('notification', ({ channel, payload }) => {
				if (channel !== CHANNEL || !payload) return;
				const space = payload.lastIndexOf(' ');
				follower.learn(payload.slice(0, space), Number(payload.slice(space + 1)));
			});
			next.on('end', () => lost(next));
			client = next;
			changed();
			// What the map held before the connection dropped, and what looks asked meanwhile.
			void load();
			return;
		}
	}

	const generationOf = (path: string): number => {
		let sum = 0;
		for (const scope of scopesOfPage(path)) {
			const generation = known.get(scope);
			if (generation === undefined) {
				want(scope);
				sum = NaN;
			} else sum += generation;
		}
		return sum;
	};

	async function readAfresh(pathnames: readonly string[]): Promise<GenerationsAsLookedAt> {
		const listening = client;
		if (!listening) return generationOf;
		const scopes = [...new Set(pathnames.flatMap((path) => scopesOfPage(path)))];
		const readOn = connection;
		try {
			const { rows } = await readCounters(listening, scopes);
			if (readOn === connection) {
				const found = new Map(rows.map((row) => [row.scope, row.generation]));
				for (const scope of scopes) follower.learn(scope, found.get(scope) ?? 0);
			}
		} catch {
			// The connection failed: lost() forgets everything, and what is unknown reads NaN.
		}
		return generationOf;
	}

	followersHere.add(follower);
	void connect(0);
	return {
		lookAtGenerations: () => generationOf,
		lookAtGenerationsOf: readAfresh,
		nextChange: () => new Promise<void>((resolve) => waiting.push(resolve)),
		async close() {
			closed = true;
			followersHere.delete(follower);
			const last = client;
			client = null;
			known.clear();
			changed();
			await last?.end();
		},
	};
}
