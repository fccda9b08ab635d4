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
	const community = withCommunity
		? piece.topics.flatMap((topic) =>
				listingsOlderThan(
					topic,
					{ publishedAt: piece.published, slug: piece.slug },
					RELATED_CANDIDATES_PER_TOPIC,
				).map(listingToPiece),
			)
		: [];
	const unique = new Map(
		[...curated, ...community].map((candidate) => [candidate.href, candidate]),
	);
	return findRelated(piece, [...unique.values()]);
}
