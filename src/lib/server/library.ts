import {
	isStoryKindFilter,
	STORIES_PER_PAGE,
	type LibraryPiece,
	type StoryKindFilter,
} from '../library';
import { compareListed, mergedWindow } from '../list-merge';
import { pageBounds, type PageOf } from '../pagination';
import { isMilestoneSlug, isTopicSlug, TOPIC_SLUGS, type TopicSlug } from '../taxonomy';
import {
	countListings,
	countListingsByTopic,
	listingsPage,
	listingToPiece,
	type CommunityFilters,
} from './community-listings';
import { findCommunityStory } from './community-stories';
import { findCuratedStory, getCuratedStories, getStrategies } from './curated-library';
import { findRelatedReading } from './related-reading';

/**
 * The reading pages' lists. Each reads one page of community stories (an index range and
 * a counter, whatever the size of the library) and merges in the few curated pieces, which
 * every process holds.
 */

interface StoryListQuery extends CommunityFilters {
	kind: StoryKindFilter | null;
}

function curatedMatching(pieces: readonly LibraryPiece[], query: CommunityFilters) {
	return pieces.filter(
		(piece) =>
			(query.topic === null || piece.topics.includes(query.topic)) &&
			(query.milestone === null || piece.milestone === query.milestone),
	);
}

/** One page of stories, curated and community merged newest first; `null` past the end. */
async function pageOfStories(
	query: StoryListQuery,
	page: number,
): Promise<PageOf<LibraryPiece> | null> {
	const curated =
		query.kind === 'community' ? [] : curatedMatching(await getCuratedStories(), query);
	const withCommunity = query.kind !== 'composite';
	const totalItems = curated.length + (withCommunity ? await countListings(query) : 0);
	const bounds = pageBounds(totalItems, page, STORIES_PER_PAGE);
	if (!bounds) return null;
	const readWindow = async (offset: number, limit: number) =>
		withCommunity ? (await listingsPage(query, offset, limit)).map(listingToPiece) : [];
	return {
		items: await mergedWindow(curated, readWindow, bounds.offset, STORIES_PER_PAGE),
		page,
		totalPages: bounds.totalPages,
		totalItems,
	};
}

/** Topics at least one published story or strategy carries. */
async function topicsInUse(): Promise<TopicSlug[]> {
	const counts = await countPiecesByTopic();
	return TOPIC_SLUGS.filter((slug) => (counts.get(slug) ?? 0) > 0);
}

/**
 * One page of the story list, optionally narrowed by topic, kind and milestone, or `null`
 * when a filter is unknown or the page is past the end (the page answers 404).
 */
export async function findStoriesPage(
	filters: { topic: string | null; kind: string | null; milestone: string | null },
	page: number,
) {
	const { topic, kind, milestone } = filters;
	if (topic !== null && !isTopicSlug(topic)) return null;
	if (kind !== null && !isStoryKindFilter(kind)) return null;
	if (milestone !== null && !isMilestoneSlug(milestone)) return null;
	const stories = await pageOfStories({ topic, kind, milestone }, page);
	if (!stories) return null;
	return { topic, kind, milestone, stories, topicsInUse: await topicsInUse() };
}

/**
 * One page of the stories on a topic, and its strategies (few, all on every page); `null`
 * when the page is past the end.
 */
export async function findTopicPieces(topic: TopicSlug, page: number) {
	const stories = await pageOfStories({ topic, kind: null, milestone: null }, page);
	if (!stories) return null;
	const strategies = (await getStrategies()).filter((piece) => piece.topics.includes(topic));
	return { stories, strategies };
}

/** How many published pieces carry each topic. */
export async function countPiecesByTopic(): Promise<Map<TopicSlug, number>> {
	const counts = await countListingsByTopic();
	for (const piece of [...(await getCuratedStories()), ...(await getStrategies())]) {
		for (const topic of piece.topics) counts.set(topic, (counts.get(topic) ?? 0) + 1);
	}
	return counts;
}

/** The newest `count` pieces, stories and strategies, optionally on one topic (feeds). */
export async function findNewestPieces(count: number, topic: TopicSlug | null = null) {
	const query = { topic, milestone: null };
	const curated = curatedMatching(
		[...(await getCuratedStories()), ...(await getStrategies())].sort(compareListed),
		query,
	);
	const readWindow = async (offset: number, limit: number) =>
		(await listingsPage(query, offset, limit)).map(listingToPiece);
	return mergedWindow(curated, readWindow, 0, count);
}

/** What the home page shows: featured pieces, the latest stories (curated and community), a few strategies. */
export async function getHomeSelection() {
	const strategies = await getStrategies();
	const curatedStories = await getCuratedStories();
	// Community stories are never featured: the featured ones are all curated.
	const featured = [...curatedStories, ...strategies].filter((piece) => piece.featured).slice(0, 4);
	const isFeatured = (piece: LibraryPiece) => featured.includes(piece);
	const readWindow = async (offset: number, limit: number) =>
		(await listingsPage({ topic: null, milestone: null }, offset, limit)).map(listingToPiece);
	return {
		featured,
		latestStories: await mergedWindow(
			curatedStories.filter((piece) => !isFeatured(piece)),
			readWindow,
			0,
			4,
		),
		strategies: strategies.filter((piece) => !isFeatured(piece)).slice(0, 4),
	};
}

/** Whether readers can see the story at `/stories/<slug>` right now, curated or community. */
export async function isPublishedStory(slug: string): Promise<boolean> {
	if (await findCuratedStory(slug)) return true;
	return (await findCommunityStory(slug))?.state === 'published';
}

/**
 * A community story page by slug: `found` with its sanitized HTML and related reading,
 * `gone` once it was unpublished or withdrawn, `null` when there never was one.
 */
export async function findCommunityStoryPage(slug: string) {
	const community = await findCommunityStory(slug);
	if (!community) return null;
	if (community.state === 'gone') return { state: 'gone' as const };
	return {
		state: 'found' as const,
		piece: community.piece,
		html: community.html,
		related: await findRelatedReading(community.piece, { withCommunity: true }),
	};
}

export { findCuratedStory } from './curated-library';
