import type { Queryable } from '../../../db/client.ts';
import {
	listStory,
	RELATED_CANDIDATES_PER_TOPIC,
	slugsNewerThan,
	unlistStory,
	type CommunityListing,
} from './community-listings.ts';
import { LIST_PAGES, markPagesChanged } from './page-generations.ts';
import { indexForSearch, removeFromSearch, type SearchDocument } from './search.ts';

/**
 * The two ways the public library changes. Both run inside the caller's transaction, so
 * search, the lists and every process's page cache follow the change exactly when it
 * commits. A change costs what it touches: the list pages, the story's own page, and the
 * few story pages whose related reading may show it; every other cached story page stays.
 */

/**
 * The pages showing the piece at `path`: the lists, its own page, and for a community story
 * (each place it is or was listed) the story pages whose related reading draws on it: the
 * next few newer stories on each of its topics (related reading only looks back, see
 * related-reading.ts).
 */
function markPagesShowing(
	transaction: Queryable,
	path: string,
	listings: readonly (CommunityListing | null)[],
) {
	markPagesChanged(transaction, LIST_PAGES);
	markPagesChanged(transaction, path);
	const neighbours = new Set(
		listings.flatMap(
			(listing) =>
				listing?.topics.flatMap((topic) =>
					slugsNewerThan(topic, listing, RELATED_CANDIDATES_PER_TOPIC, transaction),
				) ?? [],
		),
	);
	for (const slug of neighbours) markPagesChanged(transaction, `/stories/${slug}`);
}

function communitySlugOf(path: string): string | null {
	return path.startsWith('/stories/') ? path.slice('/stories/'.length) : null;
}

/** A piece is published, or its published text changed. */
export function putInLibrary(transaction: Queryable, document: SearchDocument): void {
	indexForSearch(transaction, document);
	const slug = document.kind === 'community' ? communitySlugOf(document.path) : null;
	// Where it was (an edit may change its topics) and where it is now.
	const { replaced, listing } = slug
		? listStory(transaction, slug)
		: { replaced: null, listing: null };
	markPagesShowing(transaction, document.path, [replaced, listing]);
}

/** A piece left the library (unpublished, withdrawn, hidden by reports). */
export function takeOutOfLibrary(transaction: Queryable, path: string): void {
	removeFromSearch(transaction, path);
	const slug = communitySlugOf(path);
	markPagesShowing(transaction, path, [slug ? unlistStory(transaction, slug) : null]);
}
