import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import type { submissions, SubmissionStatus } from '../../db/schema.ts';
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
import { randomRowId } from '../../src/lib/server/row-ids.ts';
import { storedAuditEvents, storedSubmission } from '../helpers/stored.ts';
import { useTestStores } from '../helpers/stores.ts';

const ALL_STORIES = { topic: null, milestone: null };

const { freshStore } = useTestStores();

const body = (marker: string) =>
	Array.from(
		{ length: 8 },
		(_, index) =>
			`Morning ${index + 1} was slow, and the people who stayed made it bearable (${marker}).`,
	).join(' ');

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

describe.each(['sqlite', 'postgres'] as const)('on %s', (engine) => {
	let store: Store;
	let alice: string;
	let bob: string;
	beforeEach(async () => {
		store = await freshStore(engine);
		alice = (
			await addModerator(
				{ username: 'alice', password: 'lantern-orchard-47-quiet', isAdmin: true },
				store,
			)
		).id;
		bob = (
			await addModerator(
				{ username: 'bob', password: 'copper-meadow-92-brisk', isAdmin: false },
				store,
			)
		).id;
	});

	/** The story's row as stored now. */
	const storyRow = async (id: string) => (await storedSubmission(store, { id }))!;

	const updateStory = (id: string, values: Partial<typeof submissions.$inferInsert>) =>
		store.transact(({ query, tables: { submissions } }) =>
			query.update(submissions).set(values).where(eq(submissions.id, id)),
		);

	async function storyWithStatus(status: SubmissionStatus, marker: string = status) {
		await receiveStory(
			{
				title: `Story ${marker}`,
				body: body(marker),
				penName: 'Fern',
				topics: ['alcohol'],
				contentWarnings: [],
			},
			store,
		);
		const row = (await storedSubmission(store, { title: `Story ${marker}` }))!;
		await updateStory(row.id, { status });
		return storyRow(row.id);
	}

	const eventsFor = (id: string) => storedAuditEvents(store, { submissionId: id });

	/** An open report of the story, as a reader leaves one. */
	const addReport = (submissionId: string, reason: string) =>
		store.transact(({ query, tables }) =>
			query
				.insert(tables.reports)
				.values({ id: randomRowId(), submissionId, reason, createdAt: new Date() }),
		);

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
				store,
			);
			const after = await storyRow(story.id);
			if (ALLOWED_FROM[decision]!.includes(status)) {
				expect(result.outcome).toBe('done');
				expect(after.version).toBe(story.version + 1);
				expect((await eventsFor(story.id)).map((event) => event.action)).toContain(decision);
			} else {
				expect(result).toEqual({ outcome: 'not-allowed', status });
				expect(after).toEqual(story);
				expect((await eventsFor(story.id)).filter((event) => event.moderatorId === alice)).toEqual(
					[],
				);
			}
		});

		it('publishing assigns a content-free slug and the publication time, and lists the story', async () => {
			const story = await storyWithStatus('pending');
			const result = await decideSubmission(
				story.id,
				alice,
				story.version,
				{ kind: 'publish' },
				store,
			);
			expect(result).toMatchObject({ outcome: 'done', status: 'approved' });
			const after = await storyRow(story.id);
			expect(after.slug).toMatch(/^shared-[a-z0-9]+$/);
			expect(after.slug).not.toContain('story');
			expect(after.publishedAt).toBeInstanceOf(Date);
			expect(
				(await listingsPage(ALL_STORIES, 0, 100, store)).map((listing) => listing.slug),
			).toEqual([after.slug]);
		});

		it('publishing with content warnings replaces the warnings, audited as such', async () => {
			const story = await storyWithStatus('pending');
			await decideSubmission(
				story.id,
				alice,
				story.version,
				{ kind: 'publish', contentWarnings: ['relapse', 'overdose'] },
				store,
			);
			const after = await storyRow(story.id);
			expect(after.contentWarnings).toEqual(['relapse', 'overdose']);
			expect((await eventsFor(story.id)).at(-1)).toMatchObject({
				action: 'publish-with-warnings',
				moderatorId: alice,
			});
		});

		it('declining records the reason and note the writer will see', async () => {
			const story = await storyWithStatus('pending');
			await decideSubmission(story.id, alice, story.version, DECISIONS.decline!, store);
			expect(await storyRow(story.id)).toMatchObject({
				status: 'rejected',
				decisionReason: 'not-a-recovery-story',
				decisionNote: 'Looks like an advert.',
			});
			expect((await eventsFor(story.id)).at(-1)).toMatchObject({
				action: 'decline',
				reason: 'not-a-recovery-story',
			});
		});

		it('unpublishing takes the story off every list and its page answers gone', async () => {
			const story = await storyWithStatus('pending');
			await decideSubmission(story.id, alice, story.version, { kind: 'publish' }, store);
			const published = await storyRow(story.id);
			await decideSubmission(story.id, alice, published.version, DECISIONS.unpublish!, store);
			expect(await listingsPage(ALL_STORIES, 0, 100, store)).toEqual([]);
			expect(await findCommunityStory(published.slug!, store)).toEqual({
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
				store,
			);
			const result = await decideSubmission(
				story.id,
				alice,
				story.version,
				{ kind: 'publish' },
				store,
			);
			expect(result).toEqual({ outcome: 'conflict', currentVersion: story.version + 1 });
			const after = await storyRow(story.id);
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
			expect((await editSubmission(story.id, alice, story.version, draft, store)).outcome).toBe(
				'done',
			);
			expect(
				(await editSubmission(story.id, bob, story.version, { ...draft, title: 'Edit two' }, store))
					.outcome,
			).toBe('conflict');
			expect((await storyRow(story.id)).title).toBe('Edit one');
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
				store,
			);
			const [event] = (await eventsFor(story.id)).filter((row) => row.action === 'edited');
			expect(event!.detail).toEqual({ changed: ['title', 'body', 'penName'] });
			expect(JSON.stringify(event)).not.toContain('redacted');
		});
	});

	describe('claims', () => {
		it('starting a review claims a waiting story for 15 minutes; another moderator sees it taken', async () => {
			const story = await storyWithStatus('pending');
			const now = new Date('2026-11-26T10:00:00Z');
			expect(await claimForReview(story.id, alice, store, now)).toEqual({
				outcome: 'claimed',
				until: new Date(now.getTime() + CLAIM_MINUTES * 60_000),
			});
			const mine = await openForReview(story.id, alice, store, now);
			expect(mine!.claim).toMatchObject({ byMe: true });
			expect(mine!.claim!.until.getTime() - now.getTime()).toBe(CLAIM_MINUTES * 60_000);
			const minuteLater = new Date(now.getTime() + 60_000);
			expect(await claimForReview(story.id, bob, store, minuteLater)).toEqual({
				outcome: 'held-by-other',
			});
			const theirs = await openForReview(story.id, bob, store, minuteLater);
			expect(theirs!.claim).toMatchObject({ byMe: false, by: 'alice' });
			const queue = await getModerationQueue('waiting', 1, store, minuteLater);
			expect(queue.cards[0]!.claimedBy).toBe('alice');
			expect(
				(await eventsFor(story.id)).filter((event) => event.action === 'claimed'),
			).toHaveLength(1);
		});

		it("renewing one's own claim moves its end without a second audit row", async () => {
			const story = await storyWithStatus('pending');
			const now = new Date('2026-11-26T10:00:00Z');
			await claimForReview(story.id, alice, store, now);
			const later = new Date(now.getTime() + 10 * 60_000);
			await claimForReview(story.id, alice, store, later);
			expect((await openForReview(story.id, alice, store, later))!.claim!.until).toEqual(
				new Date(later.getTime() + CLAIM_MINUTES * 60_000),
			);
			expect(
				(await eventsFor(story.id)).filter((event) => event.action === 'claimed'),
			).toHaveLength(1);
		});

		it('opening a story for review writes nothing: no claim, no audit row', async () => {
			const story = await storyWithStatus('pending');
			const review = await openForReview(story.id, alice, store);
			expect(review!.claim).toBeNull();
			expect(await storyRow(story.id)).toEqual(story);
			expect(await eventsFor(story.id)).toEqual([]);
		});

		it('claims only stories that wait, and says when a story is gone', async () => {
			const published = await storyWithStatus('approved');
			expect(await claimForReview(published.id, alice, store)).toEqual({
				outcome: 'not-waiting',
			});
			expect(await claimForReview('no-such-story', alice, store)).toEqual({
				outcome: 'not-found',
			});
			expect(await eventsFor(published.id)).toEqual([]);
		});

		it('lapses on its own after 15 minutes, and the next moderator can take it', async () => {
			const story = await storyWithStatus('pending');
			const now = new Date('2026-11-26T10:00:00Z');
			await claimForReview(story.id, alice, store, now);
			const later = new Date(now.getTime() + CLAIM_MINUTES * 60_000 + 1);
			expect((await getModerationQueue('waiting', 1, store, later)).cards[0]!.claimedBy).toBeNull();
			expect((await claimForReview(story.id, bob, store, later)).outcome).toBe('claimed');
			expect((await openForReview(story.id, bob, store, later))!.claim).toMatchObject({
				byMe: true,
			});
		});
	});

	describe('the queue', () => {
		it('counts every tab and puts the oldest waiting story first', async () => {
			const first = await storyWithStatus('pending', 'one');
			await updateStory(first.id, { createdDay: '2026-01-01' });
			await storyWithStatus('pending', 'two');
			await storyWithStatus('approved', 'three');
			await storyWithStatus('rejected', 'four');
			await storyWithStatus('withdrawn', 'five');
			const queue = await getModerationQueue('waiting', 1, store);
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
				await updateStory(row.id, { createdDay });
			};
			await arrived('today', '2026-11-26', 'pending');
			// Exactly the promise (7 days) is kept; a day more is not.
			await arrived('on-time', '2026-11-19', 'pending');
			await arrived('late', '2026-11-18', 'pending');
			await arrived('later', '2026-11-06', 'pending');
			await arrived('declined-long-ago', '2026-10-01', 'rejected');
			const queue = await getModerationQueue('waiting', 1, store, now);
			expect(queue.cards.map((card) => [card.title, card.ageDays, card.overdue])).toEqual([
				['Story later', 20, true],
				['Story late', 8, true],
				['Story on-time', 7, false],
				['Story today', 0, false],
			]);
			expect(queue.overdue).toBe(2);
			expect(queue.oldestWaitingDays).toBe(20);
			expect(await getQueueCounts(store, now)).toEqual({
				tabs: { waiting: 4, reported: 0, published: 0, declined: 1, withdrawn: 0 },
				overdue: 2,
				oldestWaitingDays: 20,
			});
		});

		it('counts nothing past the promise when nothing waits', async () => {
			await storyWithStatus('approved', 'published');
			expect(await getQueueCounts(store)).toMatchObject({
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
				store,
			);
			const copy = (await storedSubmission(store, { title: 'Near copy' }))!;
			await addReport(copy.id, 'spam');
			const card = (await getModerationQueue('waiting', 1, store)).cards.find(
				(item) => item.id === copy.id,
			)!;
			expect(card.flags.identifyingDetails).toBeGreaterThanOrEqual(1);
			expect(card.flags.links).toBe(1);
			expect(card.flags.safetyFlags).toBeGreaterThanOrEqual(1);
			expect(card.hardContent).toBe(true);
			expect(card.flags.nearDuplicateOf?.title).toBe('Story original');
			expect(card.flags.reports).toEqual([{ reason: 'spam', count: 1 }]);
			expect((await getModerationQueue('reported', 1, store)).counts.reported).toBe(1);
		});

		it('declines many waiting stories at once, skipping the rest, each audited', async () => {
			const spam = [await storyWithStatus('pending', 's1'), await storyWithStatus('pending', 's2')];
			const published = await storyWithStatus('approved', 'kept');
			expect(
				await bulkDecline(
					[...spam.map((row) => row.id), published.id],
					alice,
					'not-a-recovery-story',
					store,
				),
			).toBe(2);
			for (const row of spam)
				expect((await eventsFor(row.id)).at(-1)).toMatchObject({
					action: 'decline',
					moderatorId: alice,
				});
			expect((await storyRow(published.id)).status).toBe('approved');
		});

		it('declines in bulk exactly as one by one: no second opinion left, no old note, released claim', async () => {
			const single = await storyWithStatus('pending', 'single');
			const bulk = await storyWithStatus('pending', 'bulk');
			for (const row of [single, bulk]) {
				await claimForReview(row.id, bob, store);
				await decideSubmission(row.id, bob, row.version, { kind: 'second-opinion' }, store);
				await updateStory(row.id, { decisionNote: 'A note from an earlier decline.' });
			}
			const now = new Date('2026-11-26T10:00:00Z');
			const read = storyRow;
			await decideSubmission(
				single.id,
				alice,
				(await read(single.id)).version,
				{ kind: 'decline', reason: 'not-a-recovery-story', note: null },
				store,
				now,
			);
			await bulkDecline([bulk.id], alice, 'not-a-recovery-story', store, now);
			const comparable = ({
				id,
				title,
				body,
				bodyHtml,
				...rest
			}: Awaited<ReturnType<typeof read>>) => rest;
			expect(await read(bulk.id)).toMatchObject({
				status: 'rejected',
				needsSecondOpinion: false,
				decisionNote: null,
				claimedBy: null,
			});
			expect(comparable(await read(bulk.id))).toEqual(comparable(await read(single.id)));
			expect(
				(await eventsFor(bulk.id)).filter((event) => event.action === 'decline'),
			).toMatchObject([
				{
					action: 'decline',
					reason: 'not-a-recovery-story',
					detail: { bulk: true },
				},
			]);
		});

		it('resolves open reports with what was done, audited', async () => {
			const story = await storyWithStatus('approved');
			await addReport(story.id, 'identifying');
			expect(await resolveReports(story.id, bob, 'Removed a street name.', store)).toBe(1);
			const [report] = await store.read(({ query, tables }) => query.select().from(tables.reports));
			expect(report).toMatchObject({
				resolvedBy: bob,
				resolution: 'Removed a street name.',
			});
			expect((await eventsFor(story.id)).at(-1)).toMatchObject({
				action: 'reports-resolved',
				moderatorId: bob,
			});
		});
	});

	describe('moderator sessions', () => {
		it('is valid when fresh', async () => {
			const { token } = await startModeratorSession(alice, { secondFactorVerified: true }, store);
			expect((await validateModeratorSession(token, store))?.moderator.username).toBe('alice');
		});

		it('ends after 12 idle hours', async () => {
			const { token } = await startModeratorSession(alice, { secondFactorVerified: true }, store);
			await store.transact(({ query, tables }) =>
				query.update(tables.sessions).set({ expiresAt: Math.floor(Date.now() / 1000) - 1 }),
			);
			expect(await validateModeratorSession(token, store)).toBeNull();
		});

		it('ends 7 days after sign-in however active', async () => {
			const { token } = await startModeratorSession(alice, { secondFactorVerified: true }, store);
			await store.transact(({ query, tables }) =>
				query
					.update(tables.sessions)
					.set({ createdAt: new Date(Date.now() - 7 * 24 * 3600 * 1000 - 1000) }),
			);
			expect(await validateModeratorSession(token, store)).toBeNull();
			expect(await store.read(({ query, tables }) => query.select().from(tables.sessions))).toEqual(
				[],
			);
		});

		it('ends at once when the moderator is disabled', async () => {
			const { token } = await startModeratorSession(bob, { secondFactorVerified: true }, store);
			await disableModerator('bob', {}, store);
			expect(await validateModeratorSession(token, store)).toBeNull();
		});

		it('refuses a forged token', async () => {
			expect(await validateModeratorSession('forged-token-value', store)).toBeNull();
		});
	});
});
