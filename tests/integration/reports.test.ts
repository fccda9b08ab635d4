import { sqliteStore } from '../../db/store.ts';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moderationEvents, reports, submissions } from '../../db/schema.ts';
import { findCommunityStory } from '../../src/lib/server/community-stories.ts';
import { getModerationQueue } from '../../src/lib/server/moderation/queue.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { receiveStory } from '../../src/lib/server/submissions.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

let temp: TempDatabase;
let slug: string;
beforeEach(async () => {
	temp = createTempDatabase();
	await receiveStory(
		{
			title: 'A published story',
			body: 'Words about a long year. '.repeat(20),
			penName: null,
			topics: ['alcohol'],
			contentWarnings: [],
		},
		sqliteStore(temp.database),
	);
	slug = `shared-${Math.random().toString(36).slice(2, 10)}`;
	temp.database
		.update(submissions)
		.set({ status: 'approved', slug, publishedAt: new Date() })
		.run();
});
afterEach(() => temp.remove());

const story = () => temp.database.select().from(submissions).get()!;

describe('reportStory', () => {
	it('records a report that moderators then see in the Reported tab', async () => {
		expect(
			await reportStory(slug, 'spam', null, 'reader-a', sqliteStore(temp.database), 3),
		).toEqual({
			outcome: 'received',
			hidden: false,
		});
		expect(temp.database.select().from(reports).all()).toMatchObject([
			{ reason: 'spam', note: null },
		]);
		const queue = await getModerationQueue('reported', 1, sqliteStore(temp.database));
		expect(queue.cards.map((card) => card.flags.reports)).toEqual([[{ reason: 'spam', count: 1 }]]);
	});

	it('counts one reader once a day, however often they press', async () => {
		await reportStory(slug, 'spam', null, 'reader-a', sqliteStore(temp.database), 3);
		expect(
			(await reportStory(slug, 'spam', null, 'reader-a', sqliteStore(temp.database), 3)).outcome,
		).toBe('already-reported');
		await reportStory(slug, 'spam', null, 'reader-a', sqliteStore(temp.database), 3);
		expect(temp.database.select().from(reports).all()).toHaveLength(1);
		expect(story().status).toBe('approved');
	});

	it('hides the story once enough distinct readers report it, and audits that', async () => {
		await reportStory(slug, 'unsafe-content', null, 'reader-a', sqliteStore(temp.database), 3);
		await reportStory(
			slug,
			'identifying-details',
			'Names a school',
			'reader-b',
			sqliteStore(temp.database),
			3,
		);
		expect(story().status).toBe('approved');
		expect(
			await reportStory(slug, 'spam', null, 'reader-c', sqliteStore(temp.database), 3),
		).toEqual({
			outcome: 'received',
			hidden: true,
		});
		expect(story().status).toBe('unpublished');
		expect(await findCommunityStory(slug, sqliteStore(temp.database))).toEqual({ state: 'gone' });
		const [event] = temp.database
			.select()
			.from(moderationEvents)
			.where(eq(moderationEvents.action, 'auto-hidden'))
			.all();
		expect(event).toMatchObject({
			moderatorId: null,
			submissionId: story().id,
			detail: { reportersToday: 3 },
		});
	});

	it('refuses reports of stories that are not published', async () => {
		temp.database.update(submissions).set({ status: 'unpublished' }).run();
		expect(
			(await reportStory(slug, 'spam', null, 'reader-a', sqliteStore(temp.database), 3)).outcome,
		).toBe('not-found');
		expect(
			(await reportStory('no-such-story', 'spam', null, 'reader-a', sqliteStore(temp.database), 3))
				.outcome,
		).toBe('not-found');
		expect(temp.database.select().from(reports).all()).toEqual([]);
	});
});
