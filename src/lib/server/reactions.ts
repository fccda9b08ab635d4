import { eq, sql } from 'drizzle-orm';
import { getStore, type Store } from '../../../db/store.ts';
import { markOnceToday } from './daily-marks.ts';
import { markPagesChanged } from './page-generations.ts';

/** What a reader can say about a story without an account, in the order shown. */
export const REACTIONS = {
	helped: 'This helped me',
	strength: 'Sending strength',
} as const;
export type Reaction = keyof typeof REACTIONS;
export type ReactionCounts = Record<Reaction, number>;

/** The page whose cached copies show a story's counts. */
const storyPagePath = (slug: string) => `/stories/${slug}`;

export async function readReactionCounts(
	slug: string,
	store: Store = getStore(),
): Promise<ReactionCounts> {
	const counts: ReactionCounts = { helped: 0, strength: 0 };
	const rows = await store.read(({ query, tables: { reactionCounts } }) =>
		query
			.select({ reaction: reactionCounts.reaction, count: reactionCounts.count })
			.from(reactionCounts)
			.where(eq(reactionCounts.storySlug, slug)),
	);
	for (const row of rows) {
		if (Object.hasOwn(counts, row.reaction)) counts[row.reaction as Reaction] = row.count;
	}
	return counts;
}

/**
 * Counts a reader's reaction to a published story (the caller checks that it is one):
 * once per reaction, story and reader a day, whichever server hears it (daily-marks.ts).
 * Only the total is stored; the story's cached pages are marked stale in the same
 * transaction, in every server process.
 */
export async function addReaction(
	slug: string,
	reaction: Reaction,
	readerKey: string,
	store: Store = getStore(),
	now = new Date(),
): Promise<{ counted: boolean; counts: ReactionCounts }> {
	const counted = await store.transact(async (scope) => {
		if (!(await markOnceToday(scope, `reaction ${reaction} ${slug}`, readerKey, now))) return false;
		const { reactionCounts } = scope.tables;
		await scope.query
			.insert(reactionCounts)
			.values({ storySlug: slug, reaction, count: 1 })
			.onConflictDoUpdate({
				target: [reactionCounts.storySlug, reactionCounts.reaction],
				set: { count: sql`${reactionCounts.count} + 1` },
			});
		await markPagesChanged(scope, storyPagePath(slug));
		return true;
	});
	return { counted, counts: await readReactionCounts(slug, store) };
}
