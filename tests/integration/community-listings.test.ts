import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import {
	countListings,
	countListingsByTopic,
	findListing,
	listingsPage,
	SUMMARY_LENGTH,
} from '../../src/lib/server/community-listings.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { receiveStory, withdrawStory } from '../../src/lib/server/submissions.ts';
import type { MilestoneSlug, TopicSlug } from '../../src/lib/taxonomy.ts';
import { storedSubmission } from '../helpers/stored.ts';
import { useTestStores } from '../helpers/stores.ts';

const { freshStore } = useTestStores();

const MARKDOWN_BODY = [
	'# The first winter',
	'',
	'I kept a **list** of the days, and a [link to nowhere](https://example.org/x) I never opened.',
	'',
	'After that came the long part. '.repeat(60),
].join('\n');

describe.each(['sqlite', 'postgres'] as const)('community listings on %s', (engine) => {
	let store: Store;
	let moderator: string;
	beforeEach(async () => {
		store = await freshStore(engine);
		moderator = (
			await addModerator(
				{ username: 'alice', password: 'lantern-orchard-47-quiet', isAdmin: true },
				store,
			)
		).id;
	});

	async function publishStory(
		title: string,
		topics: TopicSlug[],
		milestone: MilestoneSlug | null = null,
		body = MARKDOWN_BODY,
	) {
		const { receiptCode } = await receiveStory(
			{ title, body, penName: null, topics, contentWarnings: [], milestone },
			store,
		);
		const row = (await storedSubmission(store, { title }))!;
		await decideSubmission(
			row.id,
			moderator,
			row.version,
			{ kind: 'publish', identifyingDetailsConfirmed: true },
			store,
		);
		const published = (await storedSubmission(store, { id: row.id }))!;
		return { row: published, receiptCode };
	}

	/** Every listed story, counted by hand from the listings themselves. */
	async function countedByHand(topic: TopicSlug | null, milestone: MilestoneSlug | null) {
		return (await listingsPage({ topic: null, milestone: null }, 0, 1000, store)).filter(
			(listing) =>
				(topic === null || listing.topics.includes(topic)) &&
				(milestone === null || listing.milestone === milestone),
		).length;
	}

	async function expectCountsToMatchTheListings() {
		for (const topic of [null, 'alcohol', 'work', 'gambling'] as const) {
			for (const milestone of [null, 'first-year', 'after-a-relapse'] as const) {
				expect(await countListings({ topic, milestone }, store), `${topic} ${milestone}`).toBe(
					await countedByHand(topic, milestone),
				);
			}
		}
	}

	it('store a plain-text summary and reading time, worked out once at publishing', async () => {
		const { row } = await publishStory('A first winter', ['alcohol']);
		const listing = (await findListing(row.slug!, store))!;
		expect(
			listing.summary.startsWith('The first winter I kept a list of the days, and a link'),
		).toBe(true);
		expect(listing.summary).not.toMatch(/[*#[\]]|https?:/);
		expect(listing.summary.length).toBeLessThanOrEqual(SUMMARY_LENGTH);
		expect(listing.summary.endsWith('…')).toBe(true);
		// About 380 words at 220 a minute.
		expect(listing.readingMinutes).toBe(2);
	});

	it('list newest first, narrowed by topic and milestone, with counts that match', async () => {
		await publishStory('Story one here', ['alcohol'], 'first-year');
		await publishStory('Story two here', ['alcohol', 'work'], 'after-a-relapse');
		await publishStory('Story three here', ['work']);
		const titles = async (topic: TopicSlug | null, milestone: MilestoneSlug | null = null) =>
			(await listingsPage({ topic, milestone }, 0, 10, store)).map((listing) => listing.title);
		expect(new Set(await titles(null))).toEqual(
			new Set(['Story one here', 'Story two here', 'Story three here']),
		);
		expect(new Set(await titles('alcohol'))).toEqual(new Set(['Story one here', 'Story two here']));
		expect(await titles('work', 'after-a-relapse')).toEqual(['Story two here']);
		expect(await titles(null, 'first-year')).toEqual(['Story one here']);
		expect(await countListingsByTopic(store)).toEqual(
			new Map([
				['alcohol', 2],
				['work', 2],
			]),
		);
		await expectCountsToMatchTheListings();
	});

	it('follow an edit of topics, an unpublish and a withdrawal, counts included', async () => {
		const { row: edited } = await publishStory('Edited later', ['alcohol'], 'first-year');
		const { row: unpublished } = await publishStory('Unpublished later', ['work']);
		const { row: withdrawn, receiptCode } = await publishStory('Withdrawn later', ['alcohol']);
		await editSubmission(
			edited.id,
			moderator,
			edited.version,
			{
				title: 'Edited later',
				body: MARKDOWN_BODY,
				penName: null,
				topics: ['gambling'],
				contentWarnings: [],
				milestone: 'first-year',
			},
			store,
		);
		expect((await findListing(edited.slug!, store))!.topics).toEqual(['gambling']);
		await decideSubmission(
			unpublished.id,
			moderator,
			unpublished.version,
			{ kind: 'unpublish', note: 'Reported.' },
			store,
		);
		expect(await withdrawStory(receiptCode, store)).toBe('done');
		expect(await findListing(unpublished.slug!, store)).toBeNull();
		expect(await findListing(withdrawn.slug!, store)).toBeNull();
		expect(await listingsPage({ topic: null, milestone: null }, 0, 10, store)).toHaveLength(1);
		expect((await countListingsByTopic(store)).get('alcohol') ?? 0).toBe(0);
		expect((await countListingsByTopic(store)).get('gambling')).toBe(1);
		await expectCountsToMatchTheListings();
	});
});
