import { eq } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../db/client.ts';
import { communityListings, submissions } from '../../../db/schema.ts';
import { listingToPiece } from './community-listings.ts';

/**
 * A community story by slug: `published` with its listing and sanitized HTML, `gone` once
 * it was unpublished or withdrawn (the page answers 410), or `null` if it never existed.
 */
export async function findCommunityStory(slug: string, database: Database = getDatabase()) {
	const row = database
		.select({ bodyHtml: submissions.bodyHtml, listing: communityListings })
		.from(submissions)
		.leftJoin(communityListings, eq(communityListings.slug, submissions.slug))
		.where(eq(submissions.slug, slug))
		.get();
	if (!row) return null;
	// Only a published story is listed (library-changes.ts).
	if (!row.listing) return { state: 'gone' as const };
	return { state: 'published' as const, piece: listingToPiece(row.listing), html: row.bodyHtml };
}
