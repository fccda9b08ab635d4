/** The fields a search looks at, best-weighted first. */
export interface Searchable {
	title: string;
	summary: string;
	/** Topic labels and other keywords. */
	keywords: readonly string[];
	body: string;
}

const WEIGHTS = { title: 5, keywords: 3, summary: 2, body: 1 } as const;

/** Lower-case words of two or more letters or digits. */
export function searchTerms(query: string): string[] {
	const words = query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
	return [...new Set(words)].slice(0, 12);
}

/**
 * Ranks `pieces` for `query`: every term must appear somewhere; a term in the title counts
 * more than one in the body. Returns matches best first (stable for equal scores).
 */
export function rankByQuery<T extends Searchable>(pieces: readonly T[], query: string): T[] {
	const terms = searchTerms(query);
	if (terms.length === 0) return [];
	const scored = pieces.map((piece) => {
		const fields = {
			title: piece.title.toLowerCase(),
			keywords: piece.keywords.join(' ').toLowerCase(),
			summary: piece.summary.toLowerCase(),
			body: piece.body.toLowerCase(),
		};
		let score = 0;
		for (const term of terms) {
			const termScore = (Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[]).reduce(
				(sum, field) => sum + (fields[field].includes(term) ? WEIGHTS[field] : 0),
				0,
			);
			if (termScore === 0) return { piece, score: 0 };
			score += termScore;
		}
		return { piece, score };
	});
	return scored
		.filter(({ score }) => score > 0)
		.sort((a, b) => b.score - a.score)
		.map(({ piece }) => piece);
}
