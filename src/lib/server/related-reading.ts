import type { LibraryPiece } from '../library';
import { findRelated } from '../related';
import { getCuratedStories, getStrategies } from './curated-library';
import {
	listingsOlderThan,
	listingToPiece,
	RELATED_CANDIDATES_PER_TOPIC,
} from './community-listings';

/**
 * Up to three pieces sharing topics with `piece`. A community story's page draws on the
 * curated pieces and the community stories just before it; a curated page on the curated
 * pieces only (prerendered pages cannot read the database, and the others then stay cached
 * whatever readers publish).
 */
export async function findRelatedReading(
	piece: LibraryPiece,
	{ withCommunity }: { withCommunity: boolean },
): Promise<LibraryPiece[]> {
	const curated = [...(await getCuratedStories()), ...(await getStrategies())];
	// One read per topic, all sent at once: one wait, whatever the number of topics.
	const community = withCommunity
		? (
				await Promise.all(
					piece.topics.map((topic) =>
						listingsOlderThan(
							topic,
							{ publishedAt: piece.published, slug: piece.slug },
							RELATED_CANDIDATES_PER_TOPIC,
						),
					),
				)
			).flatMap((listings) => listings.map(listingToPiece))
		: [];
	const unique = new Map(
		[...curated, ...community].map((candidate) => [candidate.href, candidate]),
	);
	return findRelated(piece, [...unique.values()]);
}
