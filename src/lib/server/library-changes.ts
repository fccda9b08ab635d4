import type { Scope } from '../../../db/store.ts';
import {
	listStory,
	RELATED_CANDIDATES_PER_TOPIC,
	slugsNewerThan,
	unlistStory,
	type CommunityListing,
} from './community-listings.ts';
import { indexForSearch, removeFromSearch } from './search-index.ts';
import { markPagesChanged } from './page-generations.ts';
import { LIST_PAGES } from './page-scopes.ts';
import type { SearchDocument } from './search.ts';

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
async function markPagesShowing(
	scope: Scope,
	path: string,
	listings: readonly (CommunityListing | null)[],
) {
	await markPagesChanged(scope, LIST_PAGES);
	await markPagesChanged(scope, path);
	const neighbours = new Set<string>();
	for (const listing of listings) {
		for (const topic of listing?.topics ?? []) {
			for (const slug of await slugsNewerThan(topic, listing!, RELATED_CANDIDATES_PER_TOPIC, scope))
				neighbours.add(slug);
		}
	}
	for (const slug of neighbours) await markPagesChanged(scope, `/stories/${slug}`);
}

function communitySlugOf(path: string): string | null {
	return path.startsWith('/stories/') ? path.slice('/stories/'.length) : null;
}

/** A piece is published, or its published text changed. */
export async function putInLibrary(scope: Scope, document: SearchDocument): Promise<void> {
	await indexForSearch(scope, document);
	const slug = document.kind === 'community' ? communitySlugOf(document.path) : null;
	// Where it was (an edit may change its topics) and where it is now.
	const { replaced, listing } = slug
		? await listStory(scope, slug)
		: { replaced: null, listing: null };
	await markPagesShowing(scope, document.path, [replaced, listing]);
}

/** A piece left the library (unpublished, withdrawn, hidden by reports). */
export async function takeOutOfLibrary(scope: Scope, path: string): Promise<void> {
	await removeFromSearch(scope, path);
	const slug = communitySlugOf(path);
	await markPagesShowing(scope, path, [slug ? await unlistStory(scope, slug) : null]);
}
