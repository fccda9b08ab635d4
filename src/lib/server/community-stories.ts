import { eq } from 'drizzle-orm';
import { getStore, type Store } from '../../../db/store.ts';
import { listingToPiece } from './community-listings.ts';

/**
 * A community story by slug: `published` with its listing and sanitized HTML, `gone` once
 * it was unpublished or withdrawn (the page answers 410), or `null` if it never existed.
 */
export async function findCommunityStory(slug: string, store: Store = getStore()) {
	const [row] = await store.read(({ query, tables: { submissions, communityListings } }) =>
		query
			.select({ bodyHtml: submissions.bodyHtml, listing: communityListings })
			.from(submissions)
			.leftJoin(communityListings, eq(communityListings.slug, submissions.slug))
			.where(eq(submissions.slug, slug))
			.limit(1),
	);
	if (!row) return null;
	// Only a published story is listed (library-changes.ts).
	if (!row.listing) return { state: 'gone' as const };
	return { state: 'published' as const, piece: listingToPiece(row.listing), html: row.bodyHtml };
}
