import { eq } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../db/client.ts';
import { submissions } from '../../../db/schema.ts';
import { findListing, listingToPiece } from './community-listings.ts';

/**
 * A community story by slug: `published` with its listing and sanitized HTML, `gone` once
 * it was unpublished or withdrawn (the page answers 410), or `null` if it never existed.
 */
export async function findCommunityStory(slug: string, database: Database = getDatabase()) {
	const row = database
		.select({ bodyHtml: submissions.bodyHtml })
		.from(submissions)
		.where(eq(submissions.slug, slug))
		.get();
	if (!row) return null;
	const listing = findListing(slug, database);
	if (!listing) return { state: 'gone' as const };
	return { state: 'published' as const, piece: listingToPiece(listing), html: row.bodyHtml };
}
