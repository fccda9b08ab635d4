import { SITEMAP_PAGE_SIZE, type SitemapEntry } from '../sitemap';
import { TOPIC_SLUGS } from '../taxonomy';
import { countListings, listedSlugsOldestFirst } from './community-listings';
import { getCuratedStories, getStrategies } from './curated-library';

const FIXED_PATHS = ['/', '/stories', '/strategies', '/topics', '/about', '/transparency'];

/** The addresses every deployment has, and the curated pieces: the start of the first file. */
async function fixedEntries(): Promise<SitemapEntry[]> {
	const curated = [...(await getCuratedStories()), ...(await getStrategies())];
	return [
		...FIXED_PATHS.map((path) => ({ path })),
		...TOPIC_SLUGS.map((topic) => ({ path: `/topics/${topic}` })),
		...curated.map((piece) => ({ path: piece.href, modified: piece.updated ?? piece.published })),
	];
}

async function countEntries(): Promise<number> {
	return (await fixedEntries()).length + (await countListings({ topic: null, milestone: null }));
}

/** How many sitemap files the library needs (at least one). */
export async function countSitemapPages(): Promise<number> {
	return Math.max(1, Math.ceil((await countEntries()) / SITEMAP_PAGE_SIZE));
}

/**
 * The addresses in sitemap file `page` (1-based): the fixed ones and curated pieces, then
 * the community stories oldest first, so a new story joins the last file and earlier files
 * stay as they were. `null` past the last file.
 */
export async function findSitemapPage(page: number): Promise<SitemapEntry[] | null> {
	if (page > (await countSitemapPages())) return null;
	const fixed = await fixedEntries();
	const start = (page - 1) * SITEMAP_PAGE_SIZE;
	const end = start + SITEMAP_PAGE_SIZE;
	const fromFixed = fixed.slice(start, end);
	const communityStart = Math.max(0, start - fixed.length);
	const communityCount = SITEMAP_PAGE_SIZE - fromFixed.length;
	const community = (await listedSlugsOldestFirst(communityStart, communityCount)).map((story) => ({
		path: `/stories/${story.slug}`,
		modified: story.publishedAt,
	}));
	return [...fromFixed, ...community];
}
