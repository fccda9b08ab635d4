/**
 * Counters every server process reads before answering from its page cache. A page is
 * current while the sum of the counters it depends on is unchanged:
 * - `*`: every page (a change to all stored stories, e.g. re-rendering them);
 * - `lists`: the pages that list the library (home, story lists, topics, feeds, sitemap,
 *   search), moved by every publish, edit, unpublish and withdrawal;
 * - a path (`/stories/<slug>`): that page alone (its story, its reactions, its related reading).
 * A story page does not depend on `lists`: a publish elsewhere leaves it cached.
 * Each engine keeps them its own way: page-generations.ts (SQLite) and
 * page-generations-postgres.ts.
 */
export const EVERY_PAGE = '*';
export const LIST_PAGES = 'lists';

/**
 * The counters the page at `path` depends on: a story's page (`/stories/<slug>`) on `*` and
 * its own path, not on `lists`; every other page on `*`, `lists` and its own path. Its
 * generation is their sum.
 */
export function scopesOfPage(path: string): [string, string] | [string, string, string] {
	return /^\/stories\/[^/]+$/.test(path) ? [EVERY_PAGE, path] : [EVERY_PAGE, LIST_PAGES, path];
}

/** The generation of each page as of one look. */
export type GenerationsAsLookedAt = (path: string) => number;

/** Sums remembered between commits; past this many paths they are forgotten all at once. */
export const REMEMBERED_PATHS = 4096;
