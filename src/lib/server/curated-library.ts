import { getCollection, type CollectionEntry } from 'astro:content';
import { toLibraryPiece, type CuratedEntry, type LibraryPiece } from '../library';
import { compareListed } from '../list-merge';

/**
 * The curated pieces (content collections): a few dozen, fixed by the build, so each
 * process reads them once and keeps them, sorted as every list is.
 */
interface CuratedLibrary {
	stories: LibraryPiece[];
	strategies: LibraryPiece[];
	storyEntries: Map<string, CollectionEntry<'stories'>>;
}

const isPublished = ({ data }: CuratedEntry) => !data.draft;

let curated: Promise<CuratedLibrary> | undefined;

function readCuratedLibrary(): Promise<CuratedLibrary> {
	curated ??= (async () => {
		const storyEntries = await getCollection('stories', isPublished);
		const strategyEntries = await getCollection('strategies', isPublished);
		return {
			stories: storyEntries.map(toLibraryPiece).sort(compareListed),
			strategies: strategyEntries.map(toLibraryPiece).sort(compareListed),
			storyEntries: new Map(storyEntries.map((entry) => [entry.id, entry])),
		};
	})();
	return curated;
}

/** Published curated stories, newest first. */
export async function getCuratedStories(): Promise<LibraryPiece[]> {
	return (await readCuratedLibrary()).stories;
}

/** Published strategy articles, newest first. */
export async function getStrategies(): Promise<LibraryPiece[]> {
	return (await readCuratedLibrary()).strategies;
}

/** A published curated story by its slug, or `null`. */
export async function findCuratedStory(slug: string): Promise<CollectionEntry<'stories'> | null> {
	return (await readCuratedLibrary()).storyEntries.get(slug) ?? null;
}

/** Static paths for the pages of one collection, each carrying its entry. */
export async function staticPathsFor(collection: 'stories' | 'strategies') {
	return (await getCollection(collection, isPublished)).map((entry) => ({
		params: { slug: entry.id },
		props: { entry },
	}));
}

/** Every published curated entry, for the search index. */
export async function getCuratedEntries(): Promise<CuratedEntry[]> {
	return [
		...(await getCollection('stories', isPublished)),
		...(await getCollection('strategies', isPublished)),
	];
}
