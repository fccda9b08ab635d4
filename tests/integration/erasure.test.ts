import { sqliteStore } from '../../db/store.ts';
import { dirname } from 'node:path';
import { eq } from 'drizzle-orm';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { submissions } from '../../db/schema.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { resolveReports } from '../../src/lib/server/moderation/reports.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { receiveStory, withdrawStory } from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { findWordsOnDisk } from '../helpers/disk-words.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

let temp: TempDatabase;
let folder: string;
let moderatorId: string;
beforeEach(async () => {
	temp = createTempDatabase();
	folder = dirname(temp.path);
	moderatorId = (
		await addModerator(
			{ username: 'erin', password: 'amber-kettle-58-steady', isAdmin: false },
			sqliteStore(temp.database),
		)
	).id;
	// Other published stories, so the search index holds more than the one story.
	for (const name of ['harbour', 'lantern', 'meadow']) {
		await publish(await receive(draft(`A ${name} of small wins`, `${name} `.repeat(80))));
	}
});
afterEach(() => temp.remove());

function draft(title: string, body: string, penName: string | null = null): StoryDraft {
	return { title, body, penName, topics: ['alcohol'], contentWarnings: [], milestone: null };
}

async function receive(story: StoryDraft) {
	const { receiptCode } = await receiveStory(story, sqliteStore(temp.database));
	const row = temp.database
		.select()
		.from(submissions)
		.where(eq(submissions.title, story.title))
		.get()!;
	return { id: row.id, receiptCode };
}

function current(id: string) {
	return temp.database.select().from(submissions).where(eq(submissions.id, id)).get()!;
}

async function publish(story: { id: string }) {
	const outcome = await decideSubmission(
		story.id,
		moderatorId,
		current(story.id).version,
		// The story carries an email and a phone number on purpose: publish past the check.
		{ kind: 'publish', identifyingDetailsConfirmed: true },
		sqliteStore(temp.database),
	);
	expect(outcome.outcome).toBe('done');
	return current(story.id).slug!;
}

const STORY_WORDS = ['Zorbelwick', 'Thrumpledown', 'Vexalind', 'Glimmerquack'];
const CONTACT_WORDS = ['quorvak', 'tindlemoss', 'brimbledox', '4972', '8835'];
const REPORT_NOTE_WORDS = ['Snorvantic', 'Plimbertoft'];

const identifyingStory = draft(
	'Zorbelwick mornings at the Thrumpledown mill',
	[
		'I grew up above the Thrumpledown mill in Zorbelwick, where everyone knew my family.',
		'My sponsor Vexalind said to write it all down, so here it is.',
		'Write to me at quorvak.tindlemoss@brimbledox.example or call 0161 4972 8835.',
		'The first year was slow, the second was better, and now I help others. '.repeat(6),
	].join('\n\n'),
	'Glimmerquack',
);

describe('erasing a story leaves no word of it in any file of the data folder', () => {
	it('after publish, a reader report with a note, and withdrawal', async () => {
		const story = await receive(identifyingStory);
		const slug = await publish(story);
		const report = await reportStory(
			slug,
			'identifying-details',
			'Snorvantic knows this family from Plimbertoft',
			'reader-key',
			sqliteStore(temp.database),
		);
		expect(report.outcome).toBe('received');
		expect(await withdrawStory(story.receiptCode, sqliteStore(temp.database))).toBe('done');

		expect(
			findWordsOnDisk(folder, [...STORY_WORDS, ...CONTACT_WORDS, ...REPORT_NOTE_WORDS]),
		).toEqual([]);
	});

	it('after a moderator redacts words before publishing', async () => {
		const story = await receive(
			draft(
				'Mornings at the Brackenvoss mill',
				`My neighbour Quistamel Ordwhistle drove me to detox. ${'Every day a little easier. '.repeat(20)}`,
			),
		);
		const redacted = draft(
			'Mornings at the mill',
			`A neighbour drove me to detox. ${'Every day a little easier. '.repeat(20)}`,
		);
		const edited = await editSubmission(
			story.id,
			moderatorId,
			current(story.id).version,
			redacted,
			sqliteStore(temp.database),
		);
		expect(edited.outcome).toBe('done');
		await publish(story);

		expect(findWordsOnDisk(folder, ['Brackenvoss', 'Quistamel', 'Ordwhistle'])).toEqual([]);
	});

	it('after a moderator redacts words from a published story', async () => {
		const story = await receive(
			draft(
				'Evenings at the Fennimoor docks',
				`My cousin Drabbleworth found me there. ${'Every day a little easier. '.repeat(20)}`,
			),
		);
		await publish(story);
		const edited = await editSubmission(
			story.id,
			moderatorId,
			current(story.id).version,
			draft(
				'Evenings at the docks',
				`My cousin found me. ${'Every day a little easier. '.repeat(20)}`,
			),
			sqliteStore(temp.database),
		);
		expect(edited.outcome).toBe('done');

		expect(findWordsOnDisk(folder, ['Fennimoor', 'Drabbleworth'])).toEqual([]);
	});

	it('after unpublishing, only the story row itself still holds its words', async () => {
		const story = await receive(identifyingStory);
		await publish(story);
		const outcome = await decideSubmission(
			story.id,
			moderatorId,
			current(story.id).version,
			{ kind: 'unpublish', note: 'identifying details' },
			sqliteStore(temp.database),
		);
		expect(outcome.outcome).toBe('done');

		expect(
			findWordsOnDisk(folder, [...STORY_WORDS, ...CONTACT_WORDS], {
				skipTablePages: { databaseFile: temp.path, tables: ['submissions'] },
			}),
		).toEqual([]);
	});

	it("after a report is resolved, its note is gone and the story's text stays", async () => {
		const story = await receive(draft('A quiet spring', 'Every day a little easier. '.repeat(20)));
		const slug = await publish(story);
		await reportStory(
			slug,
			'other',
			'Wubblesnork says Crindlemarsh is mentioned',
			'reader-key',
			sqliteStore(temp.database),
		);
		expect(
			await resolveReports(
				story.id,
				moderatorId,
				'Checked; nothing identifying.',
				sqliteStore(temp.database),
			),
		).toBe(1);

		expect(findWordsOnDisk(folder, ['Wubblesnork', 'Crindlemarsh'])).toEqual([]);
		expect(current(story.id).title).toBe('A quiet spring');
	});

	it('finishes the erasure on a timer once another reader lets go of an old snapshot', async () => {
		const story = await receive(identifyingStory);
		await publish(story);
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		const reader = new Sqlite(temp.path, { readonly: true });
		try {
			// Another process (a second server, a backup) in the middle of a read.
			reader.exec('BEGIN');
			reader.prepare('SELECT count(*) FROM submissions').get();
			expect(await withdrawStory(story.receiptCode, sqliteStore(temp.database))).toBe('done');
			expect(findWordsOnDisk(folder, STORY_WORDS)).not.toEqual([]);

			reader.exec('COMMIT');
			vi.advanceTimersByTime(2_000);
			expect(findWordsOnDisk(folder, STORY_WORDS)).toEqual([]);
		} finally {
			reader.close();
			vi.useRealTimers();
		}
	});
});
