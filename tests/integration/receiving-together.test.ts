import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { submissions } from '../../db/schema.ts';
import { sqliteStore } from '../../db/store.ts';
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
		const rows = other.select({ title: submissions.title }).from(submissions).all();
		return rows.map((row) => row.title).sort();
	} finally {
		other.$client.close();
	}
}

describe('stories arriving together', () => {
	it('are each stored, on disk by the time their writer hears "received", each with a working receipt', async () => {
		const titles = Array.from({ length: 25 }, (_, index) => `Story number ${index + 1}`);
		const receipts = await Promise.all(
			titles.map((title) => receiveStory(draft(title), sqliteStore(temp.database))),
		);

		expect(titlesOnDisk()).toEqual([...titles].sort());
		for (const [index, { receiptCode }] of receipts.entries()) {
			const story = await findStoryByReceipt(receiptCode, sqliteStore(temp.database));
			expect(story?.title).toBe(titles[index]);
		}
	});
});
