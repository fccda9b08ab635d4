import { isPieceKind } from '../library';
import { isTopicSlug } from '../taxonomy';
import { getCuratedEntries } from './curated-library';
import { refreshCuratedSearch, searchPublished } from './search-index';
import { SEARCH_PAGE_SIZE } from './search';

let searchIndexReady: Promise<void> | undefined;

/**
 * Refreshes the curated part of the search index once per server process, from the content
 * collections (which only this process can read); community stories are kept in step by
 * every publish, edit, unpublish and withdrawal in its own transaction.
 */
function ensureSearchIndex(): Promise<void> {
	searchIndexReady ??= (async () => {
		const entries = await getCuratedEntries();
		await refreshCuratedSearch(
			entries.map((entry) => ({
				path: `/${entry.collection}/${entry.id}`,
				kind: entry.data.kind,
				topics: entry.data.topics,
				title: entry.data.title,
				summary: entry.data.summary,
				body: entry.body ?? '',
				publishedAt: entry.data.published,
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
	if (kind !== null && !isPieceKind(kind)) return null;
	if (topic !== null && !isTopicSlug(topic)) return null;
	await ensureSearchIndex();
	const { hits, total, moreThanCap } = await searchPublished({ query, kind, topic, page });
	const totalPages = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE));
	if (page > totalPages) return null;
	return { hits, total, moreThanCap, page, totalPages };
}
