import { sqliteStore } from '../../db/store.ts';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	moderationEvents,
	reports,
	sessions,
	submissions,
	type SubmissionStatus,
} from '../../db/schema.ts';
import {
	bulkDecline,
	decideSubmission,
	type ModerationDecision,
} from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { getModerationQueue } from '../../src/lib/server/moderation/queue.ts';
import { resolveReports } from '../../src/lib/server/moderation/reports.ts';
import {
	CLAIM_MINUTES,
	claimForReview,
	openForReview,
} from '../../src/lib/server/moderation/review.ts';
import { addModerator, disableModerator } from '../../src/lib/server/moderators.ts';
import { getQueueCounts } from '../../src/lib/server/queue-counts.ts';
import { startModeratorSession, validateModeratorSession } from '../../src/lib/server/session.ts';
import { receiveStory } from '../../src/lib/server/submissions.ts';
import { findCommunityStory } from '../../src/lib/server/community-stories.ts';
import { listingsPage } from '../../src/lib/server/community-listings.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

const ALL_STORIES = { topic: null, milestone: null };

let temp: TempDatabase;
let alice: string;
let bob: string;
beforeEach(async () => {
	temp = createTempDatabase();
	alice = (
		await addModerator(
			{ username: 'alice', password: 'lantern-orchard-47-quiet', isAdmin: true },
			sqliteStore(temp.database),
		)
	).id;
	bob = (
		await addModerator(
			{ username: 'bob', password: 'copper-meadow-92-brisk', isAdmin: false },
			sqliteStore(temp.database),
		)
	).id;
});
afterEach(() => temp.remove());

const body = (marker: string) =>
	Array.from(
		{ length: 8 },
		(_, index) =>
			`Morning ${index + 1} was slow, and the people who stayed made it bearable (${marker}).`,
	).join(' ');

async function storyWithStatus(status: SubmissionStatus, marker: string = status) {
	await receiveStory(
		{
			title: `Story ${marker}`,
			body: body(marker),
			penName: 'Fern',
			topics: ['alcohol'],
			contentWarnings: [],
		},
		sqliteStore(temp.database),
	);
	const row = temp.database
		.select()
		.from(submissions)
		.where(eq(submissions.title, `Story ${marker}`))
		.get()!;
	temp.database.update(submissions).set({ status }).where(eq(submissions.id, row.id)).run();
	return temp.database.select().from(submissions).where(eq(submissions.id, row.id)).get()!;
}

const eventsFor = (id: string) =>
	temp.database.select().from(moderationEvents).where(eq(moderationEvents.submissionId, id)).all();

const DECISIONS: Record<string, ModerationDecision> = {
	publish: { kind: 'publish' },
	decline: { kind: 'decline', reason: 'not-a-recovery-story', note: 'Looks like an advert.' },
	'second-opinion': { kind: 'second-opinion' },
	unpublish: { kind: 'unpublish', note: 'Reported twice.' },
	restore: { kind: 'restore' },
};
/** What each decision may start from, written out independently of the code's table. */
const ALLOWED_FROM: Record<string, SubmissionStatus[]> = {
	publish: ['pending'],
	decline: ['pending'],
	'second-opinion': ['pending'],
	unpublish: ['approved'],
	restore: ['unpublished'],
};
const STATUSES: SubmissionStatus[] = [
	'pending',
	'approved',
	'rejected',
	'unpublished',
	'withdrawn',
];

describe('decideSubmission: the state machine', () => {
	const cases = Object.keys(DECISIONS).flatMap((decision) =>
		STATUSES.map((status) => [decision, status] as const),
	);

	it.each(cases)('%s from %s', async (decision, status) => {
		const story = await storyWithStatus(status);
		const result = await decideSubmission(
			story.id,
			alice,
			story.version,
			DECISIONS[decision]!,
			sqliteStore(temp.database),
		);
		const after = temp.database
			.select()
			.from(submissions)
			.where(eq(submissions.id, story.id))
			.get()!;
		if (ALLOWED_FROM[decision]!.includes(status)) {
			expect(result.outcome).toBe('done');
			expect(after.version).toBe(story.version + 1);
			expect(eventsFor(story.id).map((event) => event.action)).toContain(decision);
		} else {
			expect(result).toEqual({ outcome: 'not-allowed', status });
			expect(after).toEqual(story);
			expect(eventsFor(story.id).filter((event) => event.moderatorId === alice)).toEqual([]);
		}
	});

	it('publishing assigns a content-free slug and the publication time, and lists the story', async () => {
		const story = await storyWithStatus('pending');
		const result = await decideSubmission(
			story.id,
			alice,
			story.version,
			{ kind: 'publish' },
			sqliteStore(temp.database),
		);
		expect(result).toMatchObject({ outcome: 'done', status: 'approved' });
		const after = temp.database
			.select()
			.from(submissions)
			.where(eq(submissions.id, story.id))
			.get()!;
		expect(after.slug).toMatch(/^shared-[a-z0-9]+$/);
		expect(after.slug).not.toContain('story');
		expect(after.publishedAt).toBeInstanceOf(Date);
		expect(
			(await listingsPage(ALL_STORIES, 0, 100, sqliteStore(temp.database))).map(
				(listing) => listing.slug,
			),
		).toEqual([after.slug]);
	});

	it('publishing with content warnings replaces the warnings, audited as such', async () => {
		const story = await storyWithStatus('pending');
		await decideSubmission(
			story.id,
			alice,
			story.version,
			{ kind: 'publish', contentWarnings: ['relapse', 'overdose'] },
			sqliteStore(temp.database),
		);
		const after = temp.database
			.select()
			.from(submissions)
			.where(eq(submissions.id, story.id))
			.get()!;
		expect(after.contentWarnings).toEqual(['relapse', 'overdose']);
		expect(eventsFor(story.id).at(-1)).toMatchObject({
			action: 'publish-with-warnings',
			moderatorId: alice,
		});
	});

	it('declining records the reason and note the writer will see', async () => {
		const story = await storyWithStatus('pending');
		await decideSubmission(
			story.id,
			alice,
			story.version,
			DECISIONS.decline!,
			sqliteStore(temp.database),
		);
		expect(
			temp.database.select().from(submissions).where(eq(submissions.id, story.id)).get(),
		).toMatchObject({
			status: 'rejected',
			decisionReason: 'not-a-recovery-story',
			decisionNote: 'Looks like an advert.',
		});
		expect(eventsFor(story.id).at(-1)).toMatchObject({
			action: 'decline',
			reason: 'not-a-recovery-story',
		});
	});

	it('unpublishing takes the story off every list and its page answers gone', async () => {
		const story = await storyWithStatus('pending');
		await decideSubmission(
			story.id,
			alice,
			story.version,
			{ kind: 'publish' },
			sqliteStore(temp.database),
		);
		const published = temp.database
			.select()
			.from(submissions)
			.where(eq(submissions.id, story.id))
			.get()!;
		await decideSubmission(
			story.id,
			alice,
			published.version,
			DECISIONS.unpublish!,
			sqliteStore(temp.database),
		);
		expect(await listingsPage(ALL_STORIES, 0, 100, sqliteStore(temp.database))).toEqual([]);
		expect(await findCommunityStory(published.slug!, sqliteStore(temp.database))).toEqual({
			state: 'gone',
		});
	});
});

describe('optimistic locking', () => {
	it('refuses a decision made on an older version and overwrites nothing', async () => {
		const story = await storyWithStatus('pending');
		await editSubmission(
			story.id,
			bob,
			story.version,
			{
				title: 'Redacted title',
				body: body('edited'),
				penName: null,
				topics: ['alcohol'],
				contentWarnings: [],
			},
			sqliteStore(temp.database),
		);
		const result = await decideSubmission(
			story.id,
			alice,
			story.version,
			{ kind: 'publish' },
			sqliteStore(temp.database),
		);
		expect(result).toEqual({ outcome: 'conflict', currentVersion: story.version + 1 });
		const after = temp.database
			.select()
			.from(submissions)
			.where(eq(submissions.id, story.id))
			.get()!;
		expect(after).toMatchObject({ status: 'pending', title: 'Redacted title' });
	});

	it('refuses an edit made on an older version', async () => {
		const story = await storyWithStatus('pending');
		const draft = {
			title: 'Edit one',
			body: body('one'),
			penName: null,
			topics: ['alcohol' as const],
			contentWarnings: [],
		};
		expect(
			(await editSubmission(story.id, alice, story.version, draft, sqliteStore(temp.database)))
				.outcome,
		).toBe('done');
		expect(
			(
				await editSubmission(
					story.id,
					bob,
					story.version,
					{ ...draft, title: 'Edit two' },
					sqliteStore(temp.database),
				)
			).outcome,
		).toBe('conflict');
		expect(
			temp.database.select().from(submissions).where(eq(submissions.id, story.id)).get()!.title,
		).toBe('Edit one');
	});

	it('audits which texts an edit changed, never the text or a hash of it', async () => {
		const story = await storyWithStatus('pending');
		await editSubmission(
			story.id,
			alice,
			story.version,
			{
				title: 'Quietly redacted',
				body: body('redacted'),
				penName: null,
				topics: ['alcohol'],
				contentWarnings: [],
			},
			sqliteStore(temp.database),
		);
		const [event] = eventsFor(story.id).filter((row) => row.action === 'edited');
		expect(event!.detail).toEqual({ changed: ['title', 'body', 'penName'] });
		expect(JSON.stringify(event)).not.toContain('redacted');
	});
});

describe('claims', () => {
	it('starting a review claims a waiting story for 15 minutes; another moderator sees it taken', async () => {
		const story = await storyWithStatus('pending');
		const now = new Date('2026-11-26T10:00:00Z');
		expect(await claimForReview(story.id, alice, sqliteStore(temp.database), now)).toEqual({
			outcome: 'claimed',
			until: new Date(now.getTime() + CLAIM_MINUTES * 60_000),
		});
		const mine = await openForReview(story.id, alice, sqliteStore(temp.database), now);
		expect(mine!.claim).toMatchObject({ byMe: true });
		expect(mine!.claim!.until.getTime() - now.getTime()).toBe(CLAIM_MINUTES * 60_000);
		const minuteLater = new Date(now.getTime() + 60_000);
		expect(await claimForReview(story.id, bob, sqliteStore(temp.database), minuteLater)).toEqual({
			outcome: 'held-by-other',
		});
		const theirs = await openForReview(story.id, bob, sqliteStore(temp.database), minuteLater);
		expect(theirs!.claim).toMatchObject({ byMe: false, by: 'alice' });
		const queue = await getModerationQueue('waiting', 1, sqliteStore(temp.database), minuteLater);
		expect(queue.cards[0]!.claimedBy).toBe('alice');
		expect(eventsFor(story.id).filter((event) => event.action === 'claimed')).toHaveLength(1);
	});

	it("renewing one's own claim moves its end without a second audit row", async () => {
		const story = await storyWithStatus('pending');
		const now = new Date('2026-11-26T10:00:00Z');
		await claimForReview(story.id, alice, sqliteStore(temp.database), now);
		const later = new Date(now.getTime() + 10 * 60_000);
		await claimForReview(story.id, alice, sqliteStore(temp.database), later);
		expect(
			(await openForReview(story.id, alice, sqliteStore(temp.database), later))!.claim!.until,
		).toEqual(new Date(later.getTime() + CLAIM_MINUTES * 60_000));
		expect(eventsFor(story.id).filter((event) => event.action === 'claimed')).toHaveLength(1);
	});

	it('opening a story for review writes nothing: no claim, no audit row', async () => {
		const story = await storyWithStatus('pending');
		const review = await openForReview(story.id, alice, sqliteStore(temp.database));
		expect(review!.claim).toBeNull();
		expect(
			temp.database.select().from(submissions).where(eq(submissions.id, story.id)).get(),
		).toEqual(story);
		expect(eventsFor(story.id)).toEqual([]);
	});

	it('claims only stories that wait, and says when a story is gone', async () => {
		const published = await storyWithStatus('approved');
		expect(await claimForReview(published.id, alice, sqliteStore(temp.database))).toEqual({
			outcome: 'not-waiting',
		});
		expect(await claimForReview('no-such-story', alice, sqliteStore(temp.database))).toEqual({
			outcome: 'not-found',
		});
		expect(eventsFor(published.id)).toEqual([]);
	});

	it('lapses on its own after 15 minutes, and the next moderator can take it', async () => {
		const story = await storyWithStatus('pending');
		const now = new Date('2026-11-26T10:00:00Z');
		await claimForReview(story.id, alice, sqliteStore(temp.database), now);
		const later = new Date(now.getTime() + CLAIM_MINUTES * 60_000 + 1);
		expect(
			(await getModerationQueue('waiting', 1, sqliteStore(temp.database), later)).cards[0]!
				.claimedBy,
		).toBeNull();
		expect((await claimForReview(story.id, bob, sqliteStore(temp.database), later)).outcome).toBe(
			'claimed',
		);
		expect(
			(await openForReview(story.id, bob, sqliteStore(temp.database), later))!.claim,
		).toMatchObject({
			byMe: true,
		});
	});
});

describe('the queue', () => {
	it('counts every tab and puts the oldest waiting story first', async () => {
		const first = await storyWithStatus('pending', 'one');
		temp.database
			.update(submissions)
			.set({ createdDay: '2026-01-01' })
			.where(eq(submissions.id, first.id))
			.run();
		await storyWithStatus('pending', 'two');
		await storyWithStatus('approved', 'three');
		await storyWithStatus('rejected', 'four');
		await storyWithStatus('withdrawn', 'five');
		const queue = await getModerationQueue('waiting', 1, sqliteStore(temp.database));
		expect(queue.counts).toEqual({
			waiting: 2,
			reported: 0,
			published: 1,
			declined: 1,
			withdrawn: 1,
		});
		expect(queue.cards.map((card) => card.title)).toEqual(['Story one', 'Story two']);
	});

	it('shows how long each waiting story has waited and counts those past the review promise', async () => {
		const now = new Date('2026-11-26T23:30:00Z');
		const arrived = async (marker: string, createdDay: string, status: SubmissionStatus) => {
			const row = await storyWithStatus(status, marker);
			temp.database.update(submissions).set({ createdDay }).where(eq(submissions.id, row.id)).run();
		};
		await arrived('today', '2026-11-26', 'pending');
		// Exactly the promise (7 days) is kept; a day more is not.
		await arrived('on-time', '2026-11-19', 'pending');
		await arrived('late', '2026-11-18', 'pending');
		await arrived('later', '2026-11-06', 'pending');
		await arrived('declined-long-ago', '2026-10-01', 'rejected');
		const queue = await getModerationQueue('waiting', 1, sqliteStore(temp.database), now);
		expect(queue.cards.map((card) => [card.title, card.ageDays, card.overdue])).toEqual([
			['Story later', 20, true],
			['Story late', 8, true],
			['Story on-time', 7, false],
			['Story today', 0, false],
		]);
		expect(queue.overdue).toBe(2);
		expect(queue.oldestWaitingDays).toBe(20);
		expect(await getQueueCounts(sqliteStore(temp.database), now)).toEqual({
			tabs: { waiting: 4, reported: 0, published: 0, declined: 1, withdrawn: 0 },
			overdue: 2,
			oldestWaitingDays: 20,
		});
	});

	it('counts nothing past the promise when nothing waits', async () => {
		await storyWithStatus('approved', 'published');
		expect(await getQueueCounts(sqliteStore(temp.database))).toMatchObject({
			overdue: 0,
			oldestWaitingDays: null,
		});
	});

	it('flags identifying details, safety, links, near-duplicates and reports', async () => {
		await storyWithStatus('pending', 'original');
		await receiveStory(
			{
				title: 'Near copy',
				body: `${body('original')} Call me on 555-867-5309, see https://example.org, I took 80 mg.`,
				penName: null,
				topics: [],
				contentWarnings: [],
			},
			sqliteStore(temp.database),
		);
		const copy = temp.database
			.select()
			.from(submissions)
			.where(eq(submissions.title, 'Near copy'))
			.get()!;
		temp.database
			.insert(reports)
			.values({ submissionId: copy.id, reason: 'spam', createdAt: new Date() })
			.run();
		const card = (await getModerationQueue('waiting', 1, sqliteStore(temp.database))).cards.find(
			(item) => item.id === copy.id,
		)!;
		expect(card.flags.identifyingDetails).toBeGreaterThanOrEqual(1);
		expect(card.flags.links).toBe(1);
		expect(card.flags.safetyFlags).toBeGreaterThanOrEqual(1);
		expect(card.hardContent).toBe(true);
		expect(card.flags.nearDuplicateOf?.title).toBe('Story original');
		expect(card.flags.reports).toEqual([{ reason: 'spam', count: 1 }]);
		expect(
			(await getModerationQueue('reported', 1, sqliteStore(temp.database))).counts.reported,
		).toBe(1);
	});

	it('declines many waiting stories at once, skipping the rest, each audited', async () => {
		const spam = [await storyWithStatus('pending', 's1'), await storyWithStatus('pending', 's2')];
		const published = await storyWithStatus('approved', 'kept');
		expect(
			await bulkDecline(
				[...spam.map((row) => row.id), published.id],
				alice,
				'not-a-recovery-story',
				sqliteStore(temp.database),
			),
		).toBe(2);
		for (const row of spam)
			expect(eventsFor(row.id).at(-1)).toMatchObject({ action: 'decline', moderatorId: alice });
		expect(
			temp.database.select().from(submissions).where(eq(submissions.id, published.id)).get()!
				.status,
		).toBe('approved');
	});

	it('declines in bulk exactly as one by one: no second opinion left, no old note, released claim', async () => {
		const single = await storyWithStatus('pending', 'single');
		const bulk = await storyWithStatus('pending', 'bulk');
		for (const row of [single, bulk]) {
			await claimForReview(row.id, bob, sqliteStore(temp.database));
			await decideSubmission(
				row.id,
				bob,
				row.version,
				{ kind: 'second-opinion' },
				sqliteStore(temp.database),
			);
			temp.database
				.update(submissions)
				.set({ decisionNote: 'A note from an earlier decline.' })
				.where(eq(submissions.id, row.id))
				.run();
		}
		const now = new Date('2026-11-26T10:00:00Z');
		const read = (id: string) =>
			temp.database.select().from(submissions).where(eq(submissions.id, id)).get()!;
		await decideSubmission(
			single.id,
			alice,
			read(single.id).version,
			{ kind: 'decline', reason: 'not-a-recovery-story', note: null },
			sqliteStore(temp.database),
			now,
		);
		await bulkDecline([bulk.id], alice, 'not-a-recovery-story', sqliteStore(temp.database), now);
		const comparable = ({ id, title, body, bodyHtml, ...rest }: ReturnType<typeof read>) => rest;
		expect(read(bulk.id)).toMatchObject({
			status: 'rejected',
			needsSecondOpinion: false,
			decisionNote: null,
			claimedBy: null,
		});
		expect(comparable(read(bulk.id))).toEqual(comparable(read(single.id)));
		expect(eventsFor(bulk.id).filter((event) => event.action === 'decline')).toMatchObject([
			{
				action: 'decline',
				reason: 'not-a-recovery-story',
				detail: { bulk: true },
			},
		]);
	});

	it('resolves open reports with what was done, audited', async () => {
		const story = await storyWithStatus('approved');
		temp.database
			.insert(reports)
			.values({ submissionId: story.id, reason: 'identifying', createdAt: new Date() })
			.run();
		expect(
			await resolveReports(story.id, bob, 'Removed a street name.', sqliteStore(temp.database)),
		).toBe(1);
		expect(temp.database.select().from(reports).get()).toMatchObject({
			resolvedBy: bob,
			resolution: 'Removed a street name.',
		});
		expect(eventsFor(story.id).at(-1)).toMatchObject({
			action: 'reports-resolved',
			moderatorId: bob,
		});
	});
});

describe('moderator sessions', () => {
	it('is valid when fresh', async () => {
		const { token } = await startModeratorSession(
			alice,
			{ secondFactorVerified: true },
			sqliteStore(temp.database),
		);
		expect(
			(await validateModeratorSession(token, sqliteStore(temp.database)))?.moderator.username,
		).toBe('alice');
	});

	it('ends after 12 idle hours', async () => {
		const { token } = await startModeratorSession(
			alice,
			{ secondFactorVerified: true },
			sqliteStore(temp.database),
		);
		temp.database
			.update(sessions)
			.set({ expiresAt: Math.floor(Date.now() / 1000) - 1 })
			.run();
		expect(await validateModeratorSession(token, sqliteStore(temp.database))).toBeNull();
	});

	it('ends 7 days after sign-in however active', async () => {
		const { token } = await startModeratorSession(
			alice,
			{ secondFactorVerified: true },
			sqliteStore(temp.database),
		);
		temp.database
			.update(sessions)
			.set({ createdAt: new Date(Date.now() - 7 * 24 * 3600 * 1000 - 1000) })
			.run();
		expect(await validateModeratorSession(token, sqliteStore(temp.database))).toBeNull();
		expect(temp.database.select().from(sessions).all()).toEqual([]);
	});

	it('ends at once when the moderator is disabled', async () => {
		const { token } = await startModeratorSession(
			bob,
			{ secondFactorVerified: true },
			sqliteStore(temp.database),
		);
		await disableModerator('bob', {}, sqliteStore(temp.database));
		expect(await validateModeratorSession(token, sqliteStore(temp.database))).toBeNull();
	});

	it('refuses a forged token', async () => {
		expect(
			await validateModeratorSession('forged-token-value', sqliteStore(temp.database)),
		).toBeNull();
	});
});
