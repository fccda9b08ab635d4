import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { submissions } from '../../db/schema.ts';
import { writeTogether } from '../../src/lib/server/group-commit.ts';
import { isStorageFailure } from '../../src/lib/server/storage-failure.ts';
import { findStoryByReceipt, receiveStory } from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

const draft = (title: string): StoryDraft => ({
	title,
	body: 'Every morning I wrote down one thing that went right. '.repeat(8),
	penName: 'Ash',
	topics: ['alcohol'],
	contentWarnings: [],
});

let temp: TempDatabase;
beforeEach(() => (temp = createTempDatabase()));
afterEach(() => temp.remove());

/** What another process opening the file sees: only what is committed. */
function titlesOnDisk(): string[] {
	const other = openDatabase(temp.path);
	try {
		return other
			.select({ title: submissions.title })
			.from(submissions)
			.all()
			.map((row) => row.title)
			.sort();
	} finally {
		other.$client.close();
	}
}

/** A write that inserts one pending story titled `title`. */
const insertStory =
	(title: string) => (transaction: Parameters<Parameters<typeof writeTogether>[1]>[0]) => {
		transaction
			.insert(submissions)
			.values({
				id: randomBytes(16).toString('base64url'),
				title,
				body: 'text',
				bodyHtml: '<p>text</p>',
				topics: [],
				contentWarnings: [],
				createdDay: '2026-12-02',
			})
			.run();
		return title;
	};

describe('stories arriving together', () => {
	it('are each stored, on disk by the time their writer hears "received", each with a working receipt', async () => {
		const titles = Array.from({ length: 25 }, (_, index) => `Story number ${index + 1}`);
		const receipts = await Promise.all(
			titles.map((title) => receiveStory(draft(title), temp.database)),
		);

		expect(titlesOnDisk()).toEqual([...titles].sort());
		for (const [index, { receiptCode }] of receipts.entries()) {
			const story = await findStoryByReceipt(receiptCode, temp.database);
			expect(story?.title).toBe(titles[index]);
		}
	});

	it('keep the others when one fails: the failed one is undone alone and its writer hears why', async () => {
		const outcomes = await Promise.allSettled([
			writeTogether(temp.database, insertStory('First')),
			writeTogether(temp.database, (transaction) => {
				insertStory('Half written')(transaction);
				throw new Error('The second write was refused.');
			}),
			writeTogether(temp.database, insertStory('Third')),
		]);

		expect(outcomes.map((outcome) => outcome.status)).toEqual([
			'fulfilled',
			'rejected',
			'fulfilled',
		]);
		expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(
			new Error('The second write was refused.'),
		);
		expect(titlesOnDisk()).toEqual(['First', 'Third']);
	});

	it('all hear of a full disk, and none told "stored" is missing from the file', async () => {
		// A file that may not grow stands in for a full disk: SQLite answers SQLITE_FULL.
		const pages = temp.database.$client.pragma('page_count', { simple: true }) as number;
		temp.database.$client.pragma(`max_page_count = ${pages}`);
		const bigBody = 'x'.repeat(2 * 1024 * 1024);

		const outcomes = await Promise.allSettled([
			writeTogether(temp.database, insertStory('Small one')),
			writeTogether(temp.database, (transaction) =>
				transaction
					.insert(submissions)
					.values({
						id: 'too-big',
						title: 'Too big',
						body: bigBody,
						bodyHtml: bigBody,
						topics: [],
						contentWarnings: [],
						createdDay: '2026-12-02',
					})
					.run(),
			),
			writeTogether(temp.database, insertStory('Another small one')),
		]);

		const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
		expect(refused.length).toBeGreaterThan(0);
		expect(refused.every((outcome) => isStorageFailure(outcome.reason))).toBe(true);
		const stored = ['Small one', 'Too big', 'Another small one'].filter(
			(_, index) => outcomes[index]!.status === 'fulfilled',
		);
		expect(titlesOnDisk()).toEqual(stored.sort());
		expect(
			temp.database.select().from(submissions).where(eq(submissions.id, 'too-big')).all(),
		).toEqual([]);
	});
});
