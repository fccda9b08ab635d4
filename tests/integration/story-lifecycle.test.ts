import { describe, expect, it } from 'vitest';
import { findListing, listingsPage } from '../../src/lib/server/community-listings.ts';
import { findCommunityStory } from '../../src/lib/server/community-stories.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { getModerationQueue } from '../../src/lib/server/moderation/queue.ts';
import { addReaction, readReactionCounts } from '../../src/lib/server/reactions.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { searchPublished } from '../../src/lib/server/search-index.ts';
import {
	findStoryByReceipt,
	receiveStory,
	withdrawStory,
} from '../../src/lib/server/submissions.ts';
import { getTransparencyReport } from '../../src/lib/server/transparency.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { addModeratorRow, publishThroughDomain } from '../helpers/domain-stories.ts';
import { useTestStores } from '../helpers/stores.ts';

/**
 * The three jobs through the domain on each engine the site runs on: a story shared, found
 * in the queue, redacted, published, read, listed, searched, reacted to, reported, and
 * withdrawn — and gone from every place readers could find it.
 */
const { freshStore } = useTestStores();

const EVERY_STORY = { topic: null, milestone: null };

const draft: StoryDraft = {
	title: 'The winter I stopped drinking',
	body: 'I poured the last bottle out in Carrowmore on a Tuesday. The lantern stayed lit. '.repeat(
		6,
	),
	penName: 'Juniper',
	topics: ['alcohol'],
	contentWarnings: [],
};

describe.each(['sqlite', 'postgres'] as const)('a story on %s', (engine) => {
	it('goes from shared to published to withdrawn, and is gone everywhere readers looked', async () => {
		const store = await freshStore(engine);
		const moderatorId = await addModeratorRow(store);

		const { receiptCode } = await receiveStory(draft, store);
		const waiting = await getModerationQueue('waiting', 1, store);
		expect(waiting.cards.map((card) => card.title)).toEqual([draft.title]);
		const id = waiting.cards[0]!.id;

		// The moderator redacts the place name, then publishes.
		const redacted = { ...draft, body: draft.body.replaceAll('in Carrowmore ', '') };
		expect((await editSubmission(id, moderatorId, 1, redacted, store)).outcome).toBe('done');
		const published = await decideSubmission(
			id,
			moderatorId,
			2,
			{ kind: 'publish', identifyingDetailsConfirmed: true },
			store,
		);
		expect(published.outcome).toBe('done');
		const slug = (published as { slug: string }).slug;

		const page = await findCommunityStory(slug, store);
		expect(page?.state).toBe('published');
		expect(JSON.stringify(page)).not.toContain('Carrowmore');
		expect((await listingsPage(EVERY_STORY, 0, 10, store)).map((story) => story.slug)).toEqual([
			slug,
		]);
		const found = await searchPublished({ query: 'lantern', page: 1 }, store);
		expect(found.hits.map((hit) => hit.path)).toEqual([`/stories/${slug}`]);
		expect((await searchPublished({ query: 'Carrowmore', page: 1 }, store)).total).toBe(0);

		expect((await addReaction(slug, 'helped', `reader-${engine}`, store)).counts.helped).toBe(1);
		expect((await reportStory(slug, 'other', 'A note', `reader-${engine}`, store)).outcome).toBe(
			'received',
		);

		expect(await withdrawStory(receiptCode, store)).toBe('done');
		expect(await findCommunityStory(slug, store)).toEqual({ state: 'gone' });
		expect(await findListing(slug, store)).toBeNull();
		expect(await listingsPage(EVERY_STORY, 0, 10, store)).toEqual([]);
		expect((await searchPublished({ query: 'lantern', page: 1 }, store)).total).toBe(0);
		const tombstone = await findStoryByReceipt(receiptCode, store);
		expect(tombstone).toMatchObject({ status: 'withdrawn', title: '', body: '', textErased: true });
		expect(await readReactionCounts(slug, store)).toEqual({ helped: 1, strength: 0 });
	});

	it('hides a story once enough readers report it, counting each reader once', async () => {
		const store = await freshStore(engine);
		const slug = await publishThroughDomain(store, draft, await addModeratorRow(store));

		const report = (reader: string) => reportStory(slug, 'spam', null, reader, store, 2);
		expect(await report('a')).toEqual({ outcome: 'received', hidden: false });
		expect(await report('a')).toEqual({ outcome: 'already-reported', hidden: false });
		expect(await report('b')).toEqual({ outcome: 'received', hidden: true });
		expect(await findCommunityStory(slug, store)).toEqual({ state: 'gone' });
		expect((await getModerationQueue('reported', 1, store)).cards).toHaveLength(1);
	});

	it('reports the months with every figure under five withheld', async () => {
		const store = await freshStore(engine);
		await receiveStory(draft, store);
		const [thisMonth] = await getTransparencyReport(store);
		expect(thisMonth).toMatchObject({ received: null, published: null });
		for (let index = 0; index < 4; index += 1)
			await receiveStory({ ...draft, title: `Story ${index}` }, store);
		const [after] = await getTransparencyReport(store);
		expect(after!.received).toBe(5);
	});
});
