/** A stretch of a text that a checker flagged, by kind. */
export interface TextFinding<Kind extends string> {
	kind: Kind;
	start: number;
	end: number;
}

/** Every match of a global `pattern` in `text`, as findings of one kind. */
export function findAll<Kind extends string>(
	text: string,
	pattern: RegExp,
	kind: Kind,
): TextFinding<Kind>[] {
	return [...text.matchAll(pattern)].map((match) => ({
		kind,
		start: match.index,
		end: match.index + match[0].length,
	}));
}

/**
 * Keeps the longest finding wherever findings overlap — on a tie, the kind that comes first
 * in `kindPreference` — and returns them sorted by where they start.
 */
export function withoutOverlaps<Kind extends string>(
	findings: readonly TextFinding<Kind>[],
	kindPreference: readonly Kind[],
): TextFinding<Kind>[] {
	const byPreference = [...findings].sort(
		(first, second) =>
			second.end - second.start - (first.end - first.start) ||
			kindPreference.indexOf(first.kind) - kindPreference.indexOf(second.kind) ||
			first.start - second.start,
	);
	const kept: TextFinding<Kind>[] = [];
	for (const finding of byPreference) {
		const overlaps = kept.some((other) => finding.start < other.end && other.start < finding.end);
		if (!overlaps) kept.push(finding);
	}
	return kept.sort((first, second) => first.start - second.start);
}
