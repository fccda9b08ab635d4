import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { findCommunityStory } from '../../src/lib/server/community-stories.ts';
import { getModerationQueue } from '../../src/lib/server/moderation/queue.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { receiveStory } from '../../src/lib/server/submissions.ts';
import { useTestStores } from '../helpers/stores.ts';

const { freshStore } = useTestStores();

describe.each(['sqlite', 'postgres'] as const)('reportStory on %s', (engine) => {
	let store: Store;
	let slug: string;
	beforeEach(async () => {
		store = await freshStore(engine);
		await receiveStory(
			{
				title: 'A published story',
				body: 'Words about a long year. '.repeat(20),
				penName: null,
				topics: ['alcohol'],
				contentWarnings: [],
			},
			store,
		);
		slug = `shared-${Math.random().toString(36).slice(2, 10)}`;
		await store.transact(({ query, tables: { submissions } }) =>
			query.update(submissions).set({ status: 'approved', slug, publishedAt: new Date() }),
		);
	});

	const story = async () => {
		const [row] = await store.read(({ query, tables }) => query.select().from(tables.submissions));
		return row!;
	};
	const storedReports = () =>
		store.read(({ query, tables }) => query.select().from(tables.reports));

	it('records a report that moderators then see in the Reported tab', async () => {
		expect(await reportStory(slug, 'spam', null, 'reader-a', store, 3)).toEqual({
			outcome: 'received',
			hidden: false,
		});
		expect(await storedReports()).toMatchObject([{ reason: 'spam', note: null }]);
		const queue = await getModerationQueue('reported', 1, store);
		expect(queue.cards.map((card) => card.flags.reports)).toEqual([[{ reason: 'spam', count: 1 }]]);
	});

	it('counts one reader once a day, however often they press', async () => {
		await reportStory(slug, 'spam', null, 'reader-a', store, 3);
		expect((await reportStory(slug, 'spam', null, 'reader-a', store, 3)).outcome).toBe(
			'already-reported',
		);
		await reportStory(slug, 'spam', null, 'reader-a', store, 3);
		expect(await storedReports()).toHaveLength(1);
		expect((await story()).status).toBe('approved');
	});

	it('hides the story once enough distinct readers report it, and audits that', async () => {
		await reportStory(slug, 'unsafe-content', null, 'reader-a', store, 3);
		await reportStory(slug, 'identifying-details', 'Names a school', 'reader-b', store, 3);
		expect((await story()).status).toBe('approved');
		expect(await reportStory(slug, 'spam', null, 'reader-c', store, 3)).toEqual({
			outcome: 'received',
			hidden: true,
		});
		expect((await story()).status).toBe('unpublished');
		expect(await findCommunityStory(slug, store)).toEqual({ state: 'gone' });
		const [event] = await store.read(({ query, tables: { moderationEvents } }) =>
			query.select().from(moderationEvents).where(eq(moderationEvents.action, 'auto-hidden')),
		);
		expect(event).toMatchObject({
			moderatorId: null,
			submissionId: (await story()).id,
			detail: { reportersToday: 3 },
		});
	});

	it('refuses reports of stories that are not published', async () => {
		await store.transact(({ query, tables: { submissions } }) =>
			query.update(submissions).set({ status: 'unpublished' }),
		);
		expect((await reportStory(slug, 'spam', null, 'reader-a', store, 3)).outcome).toBe('not-found');
		expect((await reportStory('no-such-story', 'spam', null, 'reader-a', store, 3)).outcome).toBe(
			'not-found',
		);
		expect(await storedReports()).toEqual([]);
	});
});
