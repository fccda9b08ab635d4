/** What orders a list: newest first, ties by slug, last first (as the database's indexes run). */
export interface Listed {
	published: Date;
	slug: string;
}

/** Negative when `a` is listed before `b`. */
export function compareListed(a: Listed, b: Listed): number {
	const byTime = b.published.getTime() - a.published.getTime();
	if (byTime !== 0) return byTime;
	return a.slug < b.slug ? 1 : a.slug > b.slug ? -1 : 0;
}

function mergeSorted<T extends Listed>(first: readonly T[], second: readonly T[]): T[] {
	const merged: T[] = [];
	let i = 0;
	let j = 0;
	while (i < first.length || j < second.length) {
		const takeFirst =
			j >= second.length || (i < first.length && compareListed(first[i]!, second[j]!) <= 0);
		merged.push(takeFirst ? first[i++]! : second[j++]!);
	}
	return merged;
}

/**
 * Items `offset` to `offset + limit` of a list that merges a few pieces held in memory (the
 * curated ones, sorted) with a long list read a window at a time (`readWindow(offset, limit)`,
 * the community stories, sorted the same way). It reads one window of at most
 * `limit + curated.length + 1` items, whatever `offset` is.
 */
export async function mergedWindow<T extends Listed>(
	curated: readonly T[],
	readWindow: (offset: number, limit: number) => T[] | Promise<T[]>,
	offset: number,
	limit: number,
): Promise<T[]> {
	if (offset <= curated.length) {
		return mergeSorted(curated, await readWindow(0, offset + limit)).slice(offset, offset + limit);
	}
	// At least one curated piece fewer than `offset` precedes the window's first item (the
	// item before the first wanted community one, read so its position is known exactly).
	const start = offset - curated.length - 1;
	const window = await readWindow(start, limit + curated.length + 1);
	const first = window[0];
	if (!first) return [];
	const curatedBefore = curated.filter((piece) => compareListed(piece, first) < 0).length;
	const firstPosition = start + curatedBefore;
	const rest = curated.filter((piece) => compareListed(piece, first) > 0);
	const skip = offset - firstPosition;
	return mergeSorted(rest, window).slice(skip, skip + limit);
}
