/**
 * Who may keep a copy of a response, decided by path in one place: the middleware sets
 * the header on rendered pages, the server's page cache follows the same rules.
 *
 * - `library`: the public reading pages. Our own page cache holds them until the library
 *   changes; a CDN may hold them for seconds only, because a withdrawn story must vanish
 *   quickly everywhere; browsers revalidate every time (cheap with the ETag).
 * - `asset`: build output and public files; the adapter already marks hashed assets immutable.
 * - `search`: like the library, in a cache of its own (endless distinct queries must not
 *   push the reading pages out).
 * - `private`: sharing, receipts and moderation: nobody keeps a copy.
 */
export type CacheRule = 'library' | 'asset' | 'search' | 'private';

const LIBRARY_CACHE_CONTROL = 'public, max-age=0, s-maxage=10, stale-while-revalidate=20';
const PRIVATE_CACHE_CONTROL = 'no-store';

const PRIVATE_PREFIXES = ['/moderate', '/share', '/my-story', '/_actions', '/healthz'];
const LIBRARY_PATHS = new Set([
	'/',
	'/stories',
	'/topics',
	'/strategies',
	'/guidelines',
	'/about',
	// Aggregates only, the same for every reader; the page cache's age limit keeps it fresh
	// after decisions that do not change the library (a decline).
	'/transparency',
	'/rss.xml',
	'/sitemap.xml',
	'/robots.txt',
]);
const LIBRARY_PREFIXES = ['/stories/', '/topics/', '/strategies/'];
/** The files of the sitemap index (`/sitemap-1.xml`, …). */
const SITEMAP_FILE = /^\/sitemap-[1-9]\d*\.xml$/;
const ASSET_PATHS = new Set(['/favicon.svg', '/share-card.png']);

/** The query parameters each kind of page understands; anything else is not worth a cache entry. */
export const QUERY_PARAMETERS: Record<CacheRule, ReadonlySet<string>> = {
	library: new Set(['page', 'topic', 'kind', 'milestone']),
	search: new Set(['q', 'page', 'topic', 'kind']),
	asset: new Set(),
	private: new Set(),
};

function startsWithSegment(pathname: string, prefix: string): boolean {
	return (
		pathname === prefix || pathname.startsWith(`${prefix}/`) || pathname.startsWith(`${prefix}?`)
	);
}

export function cacheRuleFor(pathname: string): CacheRule {
	if (PRIVATE_PREFIXES.some((prefix) => startsWithSegment(pathname, prefix))) return 'private';
	if (pathname.startsWith('/_astro/') || ASSET_PATHS.has(pathname)) return 'asset';
	if (pathname === '/search') return 'search';
	if (
		LIBRARY_PATHS.has(pathname) ||
		SITEMAP_FILE.test(pathname) ||
		LIBRARY_PREFIXES.some((prefix) => pathname.startsWith(prefix))
	)
		return 'library';
	return 'private';
}

/**
 * Whether a response's own Cache-Control forbids shared caches to keep it. The page cache
 * asks the response as well as the request path: the path is only what the client wrote,
 * the response comes from the page Astro actually routed it to, and a private page says
 * no-store however the path that reached it was spelt.
 */
export function forbidsSharedCaching(cacheControl: string): boolean {
	return /\b(no-store|private)\b/i.test(cacheControl);
}

/** The Cache-Control a successful response under `rule` carries; `null`: leave it as it is. */
export function cacheControlFor(rule: CacheRule): string | null {
	if (rule === 'library' || rule === 'search') return LIBRARY_CACHE_CONTROL;
	if (rule === 'private') return PRIVATE_CACHE_CONTROL;
	return null;
}
