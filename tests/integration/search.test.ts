import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submissions } from '../../db/schema.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { pageGenerationReader } from '../../src/lib/server/page-generations.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import {
	rebuildSearchIndex,
	searchPublished,
	type SearchDocument,
} from '../../src/lib/server/search.ts';
import { receiveStory, withdrawStory } from '../../src/lib/server/submissions.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

const CURATED: SearchDocument[] = [
	{
		path: '/strategies/riding-out-a-craving',
		kind: 'editorial',
		topics: ['cravings'],
		title: 'Riding out a craving',
		summary: 'Urge surfing and HALT.',
		body: 'A craving rises and falls like a wave. Breathe and wait.',
	},
	{
		path: '/stories/night-shift',
		kind: 'composite',
		topics: ['work', 'opioids'],
		title: 'The night shift',
		summary: 'Work and recovery.',
		body: 'At work a craving hit me at three in the morning.',
	},
	{
		path: '/strategies/first-meeting',
		kind: 'editorial',
		topics: ['community'],
		title: 'Your first meeting',
		summary: 'What to expect.',
		body: 'Coffee, chairs and people who understand.',
	},
];

let temp: TempDatabase;
let moderatorId: string;
beforeEach(async () => {
	temp = createTempDatabase();
	moderatorId = (
		await addModerator(
			{ username: 'alice', password: 'lantern-orchard-47-quiet', isAdmin: true },
			temp.database,
		)
	).id;
	await rebuildSearchIndex(CURATED, temp.database);
});
afterEach(() => temp.remove());

const search = (
	query: string,
	options: { kind?: 'community' | 'editorial' | 'composite'; topic?: string; page?: number } = {},
) =>
	searchPublished(
		{ query, kind: options.kind ?? null, topic: options.topic ?? null, page: options.page ?? 1 },
		temp.database,
	);
const paths = async (query: string, options = {}) =>
	(await search(query, options)).hits.map((hit) => hit.path);

async function publishCommunityStory(title: string, body: string) {
	const { receiptCode } = await receiveStory(
		{
			title,
			body: `${body} ${'Filler words about ordinary days. '.repeat(12)}`,
			penName: null,
			topics: ['family'],
			contentWarnings: [],
		},
		temp.database,
	);
	const row = temp.database.select().from(submissions).where(eq(submissions.title, title)).get()!;
	await decideSubmission(row.id, moderatorId, row.version, { kind: 'publish' }, temp.database);
	const published = temp.database
		.select()
		.from(submissions)
		.where(eq(submissions.id, row.id))
		.get()!;
	return { row: published, receiptCode, path: `/stories/${published.slug}` };
}

/** A moderator's edit of a published story's title and text. */
const editPublishedStory = (row: { id: string; version: number }, title: string, body: string) =>
	editSubmission(
		row.id,
		moderatorId,
		row.version,
		{
			title,
			body: `${body} ${'More words here. '.repeat(20)}`,
			penName: null,
			topics: ['family'],
			contentWarnings: [],
		},
		temp.database,
	);

describe('searchPublished', () => {
	it('ranks a title match above a body match', async () => {
		expect(await paths('craving')).toEqual([
			'/strategies/riding-out-a-craving',
			'/stories/night-shift',
		]);
	});

	it('matches word forms (porter stemming) and prefixes', async () => {
		expect(await paths('cravings')).toContain('/strategies/riding-out-a-craving');
		expect(await paths('meet')).toEqual(['/strategies/first-meeting']);
	});

	it('narrows by kind and topic', async () => {
		expect(await paths('craving', { kind: 'composite' })).toEqual(['/stories/night-shift']);
		expect(await paths('craving', { topic: 'cravings' })).toEqual([
			'/strategies/riding-out-a-craving',
		]);
	});

	it('returns an escaped snippet with the matches marked', async () => {
		await publishCommunityStory('Kitchen notes', 'I wrote <b>hope</b> & courage on the fridge.');
		const [hit] = (await search('courage')).hits;
		expect(hit!.snippetHtml).toContain('<mark>courage</mark>');
		expect(hit!.snippetHtml).not.toContain('<b>');
	});

	it('pages through results', async () => {
		for (let i = 0; i < 12; i++)
			await publishCommunityStory(`Lantern story ${i}`, `The lantern was lit again, night ${i}.`);
		const first = await search('lantern');
		expect(first.total).toBe(12);
		expect(first.hits).toHaveLength(10);
		expect((await search('lantern', { page: 2 })).hits).toHaveLength(2);
	});
});

describe('the index stays in step with what readers can see', () => {
	it('adds a story when it is published and drops it when unpublished, restored, withdrawn', async () => {
		const { row, receiptCode, path } = await publishCommunityStory(
			'Harbour lights',
			'The harbour lights kept me company.',
		);
		expect(await paths('harbour')).toEqual([path]);
		await decideSubmission(
			row.id,
			moderatorId,
			row.version,
			{ kind: 'unpublish', note: null },
			temp.database,
		);
		expect(await paths('harbour')).toEqual([]);
		await decideSubmission(
			row.id,
			moderatorId,
			row.version + 1,
			{ kind: 'restore' },
			temp.database,
		);
		expect(await paths('harbour')).toEqual([path]);
		await withdrawStory(receiptCode, temp.database);
		expect(await paths('harbour')).toEqual([]);
	});

	it('follows a moderator edit of a published story', async () => {
		const { row } = await publishCommunityStory(
			'Orchard walk',
			'We walked through the orchard at dawn.',
		);
		await editPublishedStory(row, 'Morning walk', 'We walked by the river at dawn.');
		expect(await paths('orchard')).toEqual([]);
		expect(await paths('river')).toHaveLength(1);
	});

	it('drops a story hidden by reader reports', async () => {
		const { row } = await publishCommunityStory('Quiet station', 'The quiet station at midnight.');
		for (const reader of ['a', 'b', 'c'])
			await reportStory(row.slug!, 'spam', null, reader, temp.database, 3);
		expect(await paths('station')).toEqual([]);
	});

	it('refreshes curated pieces at start and keeps every published community story', async () => {
		const { path } = await publishCommunityStory('Willow bench', 'The willow bench by the pond.');
		await rebuildSearchIndex(CURATED.slice(1), temp.database);
		expect(await paths('willow')).toEqual([path]);
		expect(await paths('craving')).toEqual(['/stories/night-shift']);
	});

	it('puts back community stories an index lost (one created after they were published)', async () => {
		const { path } = await publishCommunityStory('Willow bench', 'The willow bench by the pond.');
		temp.database.run(sql`DELETE FROM search_index WHERE kind = 'community'`);
		await rebuildSearchIndex(CURATED, temp.database);
		expect(await paths('willow')).toEqual([path]);
	});
});

describe("every server process's page cache follows the library", () => {
	const generationOf = (path: string) => pageGenerationReader(temp.database)(path);

	it('moves on publish, edit, unpublish, restore, report-hiding and withdrawal', async () => {
		const elsewhere = '/topics/family';
		let last = generationOf(elsewhere);
		const expectMoved = () => {
			const now = generationOf(elsewhere);
			expect(now).toBeGreaterThan(last);
			last = now;
		};
		const { row, receiptCode } = await publishCommunityStory('Lamp', 'The lamp in the window.');
		expectMoved();
		await editPublishedStory(row, 'Lamp light', 'The lamp in the window stayed on.');
		expectMoved();
		const version = () =>
			temp.database.select().from(submissions).where(eq(submissions.id, row.id)).get()!.version;
		await decideSubmission(
			row.id,
			moderatorId,
			version(),
			{ kind: 'unpublish', note: null },
			temp.database,
		);
		expectMoved();
		await decideSubmission(row.id, moderatorId, version(), { kind: 'restore' }, temp.database);
		expectMoved();
		for (const reader of ['a', 'b', 'c'])
			await reportStory(row.slug!, 'spam', null, reader, temp.database, 3);
		expectMoved();
		await withdrawStory(receiptCode, temp.database);
		expectMoved();
	});

	it('stays put when nothing readers see changes (a new story waiting for review)', async () => {
		const before = generationOf('/stories');
		await receiveStory(
			{
				title: 'Waiting',
				body: `Not yet read by anyone. ${'Filler words. '.repeat(20)}`,
				penName: null,
				topics: ['family'],
				contentWarnings: [],
			},
			temp.database,
		);
		expect(generationOf('/stories')).toBe(before);
	});
});
