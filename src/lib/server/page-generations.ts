import { sql } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { pageGenerations } from '../../../db/schema.ts';
import { watchCommits } from './commit-watch.ts';

/**
 * Counters every server process reads before answering from its page cache. A page is
 * current while the sum of the counters it depends on is unchanged:
 * - `*`: every page (a change to all stored stories, e.g. re-rendering them);
 * - `lists`: the pages that list the library (home, story lists, topics, feeds, sitemap,
 *   search), moved by every publish, edit, unpublish and withdrawal;
 * - a path (`/stories/<slug>`): that page alone (its story, its reactions, its related reading).
 * A story page does not depend on `lists`: a publish elsewhere leaves it cached.
 */
export const EVERY_PAGE = '*';
export const LIST_PAGES = 'lists';

/**
 * Tells every server process that cached pages in `scope` are out of date. Call it in the
 * same transaction as the change, so no process can see the change without the new count.
 */
export function markPagesChanged(queryable: Queryable, scope: string = EVERY_PAGE): void {
	queryable
		.insert(pageGenerations)
		.values({ scope, generation: 1 })
		.onConflictDoUpdate({
			target: pageGenerations.scope,
			set: { generation: sql`${pageGenerations.generation} + 1` },
		})
		.run();
}

/**
 * The counters the page at `path` depends on: a story's page (`/stories/<slug>`) on `*` and
 * its own path, not on `lists`; every other page on `*`, `lists` and its own path. Its
 * generation is their sum.
 */
export function scopesOfPage(path: string): [string, string] | [string, string, string] {
	return /^\/stories\/[^/]+$/.test(path) ? [EVERY_PAGE, path] : [EVERY_PAGE, LIST_PAGES, path];
}

/** The generation of each page as of one look at the database file. */
export type GenerationsAsLookedAt = (path: string) => number;

const lookers = new WeakMap<Database, () => GenerationsAsLookedAt>();

/** Sums remembered between commits; past this many paths they are forgotten all at once. */
export const REMEMBERED_PATHS = 4096;

/**
 * Looks at the database file once and returns the generation a page would be rendered at,
 * as of that look: the sum of the counters it depends on. Counters only grow, so the sum
 * changes whenever any of them does. Every cacheable request needs one, so the two
 * statements are prepared once per handle and run on the driver directly (through the
 * query builder the read cost about half a cached answer's CPU), and a sum is remembered
 * until the file sees its next commit from any process (commit-watch.ts): even a bare read
 * transaction cost as much as the rest of a cached answer. The look is what costs (a read
 * of the shared-memory file); the front door makes one for all the requests read together.
 */
export function pageGenerationLooker(
	database: Database = getDatabase(),
): () => GenerationsAsLookedAt {
	let look = lookers.get(database);
	if (!look) {
		const sumOf = (scopes: number) =>
			database.$client
				.prepare<string[], number>(
					`SELECT coalesce(sum(generation), 0) FROM page_generations WHERE scope IN (${Array(scopes).fill('?').join(', ')})`,
				)
				.pluck();
		const storyPage = sumOf(2);
		const otherPage = sumOf(3);
		const changedSinceLastLook = watchCommits(database.$client.name) ?? (() => true);
		const known = new Map<string, number>();
		const generationOf = (path: string): number => {
			let generation = known.get(path);
			if (generation === undefined) {
				const scopes = scopesOfPage(path);
				generation = (scopes.length === 2 ? storyPage : otherPage).get(...scopes)!;
				if (known.size >= REMEMBERED_PATHS) known.clear();
				known.set(path, generation);
			}
			return generation;
		};
		look = () => {
			// Before any sum is read: a commit landing during a read shows at the next look.
			if (changedSinceLastLook()) known.clear();
			return generationOf;
		};
		lookers.set(database, look);
	}
	return look;
}

/** The generation of the page at `path` now: one look, one page. */
export function pageGenerationReader(database: Database = getDatabase()) {
	const look = pageGenerationLooker(database);
	return (path: string): number => look()(path);
}
