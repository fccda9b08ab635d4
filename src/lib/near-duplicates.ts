/** Word 4-grams of a text, lower-cased: the unit two texts are compared by. */
export function shingles(text: string): Set<string> {
	const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
	const grams = new Set<string>();
	for (let index = 0; index + 4 <= words.length; index++)
		grams.add(words.slice(index, index + 4).join(' '));
	if (grams.size === 0 && words.length > 0) grams.add(words.join(' '));
	return grams;
}

/** Jaccard similarity of two shingle sets, from 0 (nothing shared) to 1 (the same). */
export function similarity(first: ReadonlySet<string>, second: ReadonlySet<string>): number {
	if (first.size === 0 || second.size === 0) return 0;
	const [smaller, larger] = first.size <= second.size ? [first, second] : [second, first];
	let shared = 0;
	for (const gram of smaller) if (larger.has(gram)) shared += 1;
	return shared / (first.size + second.size - shared);
}

/** Above this, two stories are "near duplicates": the same text lightly changed, or spam. */
const NEAR_DUPLICATE_THRESHOLD = 0.5;

/** The most similar candidate at or above the threshold, or `null`. */
export function findNearDuplicate<T extends { id: string; shingles: ReadonlySet<string> }>(
	target: { id: string; shingles: ReadonlySet<string> },
	candidates: readonly T[],
	threshold = NEAR_DUPLICATE_THRESHOLD,
): { candidate: T; similarity: number } | null {
	let best: { candidate: T; similarity: number } | null = null;
	for (const candidate of candidates) {
		if (candidate.id === target.id) continue;
		const score = similarity(target.shingles, candidate.shingles);
		if (score >= threshold && (!best || score > best.similarity))
			best = { candidate, similarity: score };
	}
	return best;
}
