export interface Relatable {
	href: string;
	topics: readonly string[];
	published: Date;
}

/**
 * The pieces that share the most topics with `piece` (at least one), most shared first,
 * then newest first; never the piece itself.
 */
export function findRelated<T extends Relatable>(
	piece: Relatable,
	candidates: readonly T[],
	limit = 3,
): T[] {
	const topics = new Set(piece.topics);
	return candidates
		.filter((candidate) => candidate.href !== piece.href)
		.map((candidate) => ({
			candidate,
			shared: candidate.topics.filter((topic) => topics.has(topic)).length,
		}))
		.filter(({ shared }) => shared > 0)
		.sort(
			(a, b) =>
				b.shared - a.shared || b.candidate.published.getTime() - a.candidate.published.getTime(),
		)
		.slice(0, limit)
		.map(({ candidate }) => candidate);
}
