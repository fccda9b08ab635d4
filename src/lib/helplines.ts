import { HELPLINES_BY_CONTENT_WARNING, HELPLINES_BY_TOPIC, type Helpline } from './settings';
import type { ContentWarningSlug, TopicSlug } from './taxonomy';

/**
 * The lines for a piece's particular needs (its topics, then its content warnings), each
 * once, in settings order; empty when only the general crisis lines apply.
 */
export function helplinesFor(piece: {
	topics: readonly TopicSlug[];
	contentWarnings?: readonly ContentWarningSlug[];
}): Helpline[] {
	const lines = [
		...piece.topics.flatMap((topic) => HELPLINES_BY_TOPIC[topic] ?? []),
		...(piece.contentWarnings ?? []).flatMap(
			(warning) => HELPLINES_BY_CONTENT_WARNING[warning] ?? [],
		),
	];
	return [...new Set(lines)];
}
