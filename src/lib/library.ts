import { getCollection, type CollectionEntry } from 'astro:content';
import { paginate } from './pagination';
import { readingMinutes } from './reading-time';
import { findRelated } from './related';
import { findCommunityStory, listCommunityStories } from './server/community-stories';
import {
	rebuildSearchIndex,
	SEARCH_PAGE_SIZE,
	searchPublished,
	type SearchKind,
} from './server/search';
import {
	isMilestoneSlug,
	isTopicSlug,
	TOPIC_SLUGS,
	type ContentWarningSlug,
	type MilestoneSlug,
	type TopicSlug,
} from './taxonomy';

export type CuratedEntry = CollectionEntry<'stories'> | CollectionEntry<'strategies'>;

/** What lists, feeds and related links need to know about one published piece. */
export interface LibraryPiece {
	collection: 'stories' | 'strategies';
	slug: string;
	href: string;
	title: string;
	summary: string;
	published: Date;
	updated?: Date;
	kind: 'composite' | 'editorial' | 'community';
	/** The pen name of a story, or "Editorial team". */
	byline: string;
	topics: TopicSlug[];
	contentWarnings: ContentWarningSlug[];
	/** Where the writer is in recovery; stories only, when known. */
	milestone: MilestoneSlug | null;
	featured: boolean;
	readingMinutes: number;
}

/** The label readers see for each kind of piece. */
export const KIND_LABELS: Record<LibraryPiece['kind'], string> = {
	composite: 'Composite story',
	editorial: 'Editorial article',
	community: 'Shared anonymously',
};

const EDITORIAL_BYLINE = 'Editorial team';

/** Turns a curated entry into a list item. */
export function toLibraryPiece(entry: CuratedEntry): LibraryPiece {
	const { data } = entry;
	return {
		collection: entry.collection,
		slug: entry.id,
		href: `/${entry.collection}/${entry.id}`,
		title: data.title,
		summary: data.summary,
		published: data.published,
		updated: data.updated,
		kind: data.kind,
		byline: 'penName' in data ? data.penName : EDITORIAL_BYLINE,
		topics: data.topics,
		contentWarnings: data.contentWarnings,
		milestone: 'milestone' in data ? data.milestone : null,
		featured: data.featured,
		readingMinutes: readingMinutes(entry.body ?? ''),
	};
}

function newestFirst(a: LibraryPiece, b: LibraryPiece): number {
	return b.published.getTime() - a.published.getTime() || a.title.localeCompare(b.title);
}

const isPublished = ({ data }: CuratedEntry) => !data.draft;

/** Published curated stories, newest first. */
async function getStories(): Promise<LibraryPiece[]> {
	return (await getCollection('stories', isPublished)).map(toLibraryPiece).sort(newestFirst);
}

/** Curated and community stories together, newest first (reads the database). */
async function getAllStories(): Promise<LibraryPiece[]> {
	return [...(await getStories()), ...(await listCommunityStories())].sort(newestFirst);
}

/** Published strategy articles, newest first. */
export async function getStrategies(): Promise<LibraryPiece[]> {
	return (await getCollection('strategies', isPublished)).map(toLibraryPiece).sort(newestFirst);
}

/** Every published piece, community stories included, newest first (reads the database). */
export async function getWholeLibrary(): Promise<LibraryPiece[]> {
	return [...(await getAllStories()), ...(await getStrategies())].sort(newestFirst);
}

/** Static paths for the pages of one collection, each carrying its entry. */
export async function staticPathsFor(collection: 'stories' | 'strategies') {
	return (await getCollection(collection, isPublished)).map((entry) => ({
		params: { slug: entry.id },
		props: { entry },
	}));
}

const STORIES_PER_PAGE = 12;

/** `/stories?kind=`: stories shared by readers, or the editors' composite stories. */
export const STORY_KIND_FILTERS = {
	community: 'Shared by readers',
	editorial: 'From our editors',
} as const;
export type StoryKindFilter = keyof typeof STORY_KIND_FILTERS;

function isStoryKindFilter(value: string): value is StoryKindFilter {
	return Object.hasOwn(STORY_KIND_FILTERS, value);
}

/**
 * One page of the story list, optionally narrowed to a topic, or `null` when the
 * topic is unknown or the page is past the end (the page answers 404).
 */
export async function findStoriesPage(
	filters: { topic: string | null; kind: string | null; milestone: string | null },
	page: number,
) {
	const { topic, kind, milestone } = filters;
	if (topic !== null && !isTopicSlug(topic)) return null;
	if (kind !== null && !isStoryKindFilter(kind)) return null;
	if (milestone !== null && !isMilestoneSlug(milestone)) return null;
	const stories = await getAllStories();
	const shown = stories.filter(
		(story) =>
			(topic === null || story.topics.includes(topic)) &&
			(milestone === null || story.milestone === milestone) &&
			(kind === null || (kind === 'community') === (story.kind === 'community')),
	);
	const pageOfStories = paginate(shown, page, STORIES_PER_PAGE);
	if (!pageOfStories) return null;
	const topicsInUse = TOPIC_SLUGS.filter((slug) =>
		stories.some((story) => story.topics.includes(slug)),
	);
	return { topic, kind, milestone, stories: pageOfStories, topicsInUse };
}

/**
 * One page of the stories on a topic, and its strategies (few, all on every page); `null`
 * when the page is past the end.
 */
export async function findTopicPieces(topic: TopicSlug, page: number) {
	const hasTopic = (piece: LibraryPiece) => piece.topics.includes(topic);
	const stories = paginate((await getAllStories()).filter(hasTopic), page, STORIES_PER_PAGE);
	if (!stories) return null;
	return { stories, strategies: (await getStrategies()).filter(hasTopic) };
}

/** How many published pieces carry each topic. */
export async function countPiecesByTopic(): Promise<Map<TopicSlug, number>> {
	const counts = new Map<TopicSlug, number>(TOPIC_SLUGS.map((slug) => [slug, 0]));
	for (const piece of await getWholeLibrary()) {
		for (const topic of piece.topics) counts.set(topic, (counts.get(topic) ?? 0) + 1);
	}
	return counts;
}

/** What the home page shows: featured pieces, the latest stories (curated and community), a few strategies. */
export async function getHomeSelection() {
	const [stories, strategies] = [await getAllStories(), await getStrategies()];
	const featured = [...stories, ...strategies].filter((piece) => piece.featured).slice(0, 4);
	const isFeatured = (piece: LibraryPiece) => featured.includes(piece);
	return {
		featured,
		latestStories: stories.filter((piece) => !isFeatured(piece)).slice(0, 4),
		strategies: strategies.filter((piece) => !isFeatured(piece)).slice(0, 4),
	};
}

let searchIndexReady: Promise<void> | undefined;

/**
 * Builds the search index once per server process, from the content collections (which
 * only this process can read) and the published community stories; from then on every
 * publish, edit, unpublish and withdrawal keeps it in step in its own transaction.
 */
function ensureSearchIndex(): Promise<void> {
	searchIndexReady ??= (async () => {
		const entries = [
			...(await getCollection('stories', isPublished)),
			...(await getCollection('strategies', isPublished)),
		];
		await rebuildSearchIndex(
			entries.map((entry) => ({
				path: `/${entry.collection}/${entry.id}`,
				kind: entry.data.kind,
				topics: entry.data.topics,
				title: entry.data.title,
				summary: entry.data.summary,
				body: entry.body ?? '',
			})),
		);
	})();
	return searchIndexReady;
}

/** Search over every published piece; `null` when a filter is not one we know (404). */
export async function searchLibrary(
	query: string,
	kind: string | null,
	topic: string | null,
	page: number,
) {
	if (kind !== null && !Object.hasOwn(KIND_LABELS, kind)) return null;
	if (topic !== null && !isTopicSlug(topic)) return null;
	await ensureSearchIndex();
	const { hits, total } = await searchPublished({
		query,
		kind: kind as SearchKind | null,
		topic,
		page,
	});
	const totalPages = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE));
	if (page > totalPages) return null;
	return { hits, total, page, totalPages };
}

/**
 * Up to three pieces sharing topics with `piece`. Prerendered pages pass
 * `withCommunity: false`: a build never reads the database.
 */
export async function findRelatedTo(
	piece: LibraryPiece,
	{ withCommunity }: { withCommunity: boolean },
): Promise<LibraryPiece[]> {
	const stories = withCommunity ? await getAllStories() : await getStories();
	return findRelated(piece, [...stories, ...(await getStrategies())]);
}

/** A published curated story by its slug, or `null`. */
export async function findCuratedStory(slug: string): Promise<CollectionEntry<'stories'> | null> {
	// Not getEntry: it logs a warning for every slug that is not curated (all community ones).
	const stories = await getCollection('stories', isPublished);
	return stories.find((entry) => entry.id === slug) ?? null;
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
		related: await findRelatedTo(community.piece, { withCommunity: true }),
	};
}
