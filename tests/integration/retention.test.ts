import { sqliteStore } from '../../db/store.ts';
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reports, submissions } from '../../db/schema.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { purgeDeclinedStories } from '../../src/lib/server/retention.ts';
import { findStoryByReceipt, receiveStory, reviseStory } from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { findWordsOnDisk } from '../helpers/disk-words.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DAY_MS = 86_400_000;
const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

let temp: TempDatabase;
let moderatorId: string;
beforeEach(async () => {
	temp = createTempDatabase();
	moderatorId = (
		await addModerator(
			{ username: 'rowan', password: 'willow-sparrow-33-gentle', isAdmin: false },
			sqliteStore(temp.database),
		)
	).id;
});
afterEach(() => temp.remove());

function draft(word: string): StoryDraft {
	return {
		title: `The ${word} winter`,
		body: `Nobody in ${word} knew how bad it was. ${'Each week a little lighter. '.repeat(15)}`,
		penName: `${word} writer`,
		topics: ['alcohol'],
		contentWarnings: [],
		milestone: null,
	};
}

async function storyDecided(word: string, decision: 'decline' | 'publish' | null, at: Date) {
	const { receiptCode } = await receiveStory(draft(word), sqliteStore(temp.database));
	const row = temp.database
		.select()
		.from(submissions)
		.where(eq(submissions.title, `The ${word} winter`))
		.get()!;
	if (decision === 'decline') {
		await decideSubmission(
			row.id,
			moderatorId,
			row.version,
			{
				kind: 'decline',
				reason: 'identifying-details',
				note: `Please leave out ${word}.`,
			},
			sqliteStore(temp.database),
			at,
		);
	} else if (decision === 'publish') {
		await decideSubmission(
			row.id,
			moderatorId,
			row.version,
			{ kind: 'publish' },
			sqliteStore(temp.database),
			at,
		);
	}
	return { id: row.id, receiptCode };
}

const rowOf = (id: string) =>
	temp.database.select().from(submissions).where(eq(submissions.id, id)).get()!;

describe('purgeDeclinedStories', () => {
	it('erases exactly the declined stories past the limit, leaving no word of them on disk', async () => {
		const expired = await storyDecided('Quillendorf', 'decline', daysAgo(31));
		const recent = await storyDecided('Marrowvale', 'decline', daysAgo(29));
		const resubmitted = await storyDecided('Tessaract', 'decline', daysAgo(40));
		expect(
			await reviseStory(resubmitted.receiptCode, draft('Tessaract'), sqliteStore(temp.database)),
		).toBe('done');
		const published = await storyDecided('Hollowmere', 'publish', daysAgo(60));
		await reportStory(
			rowOf(published.id).slug!,
			'other',
			'Brindlecott mentioned',
			'reader',
			sqliteStore(temp.database),
		);
		const waiting = await storyDecided('Ashcombe', null, daysAgo(50));

		expect(await purgeDeclinedStories(30, sqliteStore(temp.database), now)).toBe(1);

		expect(rowOf(expired.id)).toMatchObject({
			status: 'rejected',
			title: '',
			body: '',
			bodyHtml: '',
			penName: null,
			decisionNote: null,
			decisionReason: 'identifying-details',
			createdDay: rowOf(recent.id).createdDay,
			textErased: true,
		});
		expect(findWordsOnDisk(dirname(temp.path), ['Quillendorf'])).toEqual([]);
		for (const kept of [recent, resubmitted, published, waiting]) {
			expect(rowOf(kept.id).textErased).toBe(false);
			expect(rowOf(kept.id).title).not.toBe('');
		}
		expect(
			temp.database.select().from(reports).where(eq(reports.submissionId, published.id)).get()!
				.note,
		).toBe('Brindlecott mentioned');
		expect(await purgeDeclinedStories(30, sqliteStore(temp.database), now)).toBe(0);
	});

	it('leaves the writer the reason, and nothing anyone can edit or resubmit', async () => {
		const expired = await storyDecided('Quillendorf', 'decline', daysAgo(31));
		await purgeDeclinedStories(30, sqliteStore(temp.database), now);

		const view = await findStoryByReceipt(expired.receiptCode, sqliteStore(temp.database));
		expect(view).toMatchObject({
			status: 'rejected',
			decisionReason: 'identifying-details',
			textErased: true,
			editable: false,
		});
		expect(await reviseStory(expired.receiptCode, draft('Again'), sqliteStore(temp.database))).toBe(
			'not-allowed',
		);
		const edited = await editSubmission(
			expired.id,
			moderatorId,
			rowOf(expired.id).version,
			draft('Again'),
			sqliteStore(temp.database),
		);
		expect(edited.outcome).toBe('not-allowed');
		expect(rowOf(expired.id).title).toBe('');
	});
});

// Each case starts a Node process: slow on a busy machine.
describe('npm run db:purge', { timeout: 60_000 }, () => {
	const purge = (env: Record<string, string>) =>
		promisify(execFile)(process.execPath, [join(ROOT, 'scripts/db-purge.ts')], {
			cwd: ROOT,
			env: { ...process.env, ...env },
		}).then(
			({ stdout }) => ({ code: 0, output: stdout }),
			(error: { code: number; stderr: string }) => ({ code: error.code, output: error.stderr }),
		);

	it('erases the declined stories past DECLINED_RETENTION_DAYS in the file at DATABASE_PATH', async () => {
		const declined = await storyDecided(
			'Quillendorf',
			'decline',
			new Date(Date.now() - 8 * DAY_MS),
		);
		const result = await purge({ DATABASE_PATH: temp.path, DECLINED_RETENTION_DAYS: '7' });
		expect(result).toEqual({
			code: 0,
			output: expect.stringContaining('erased the text of 1 declined story'),
		});
		expect(rowOf(declined.id).textErased).toBe(true);
	});

	it('refuses a bad setting (78) and a missing database (66)', async () => {
		expect(await purge({ DATABASE_PATH: temp.path, DECLINED_RETENTION_DAYS: 'thirty' })).toEqual({
			code: 78,
			output: expect.stringContaining('DECLINED_RETENTION_DAYS'),
		});
		expect(await purge({ DATABASE_PATH: join(dirname(temp.path), 'missing.db') })).toEqual({
			code: 66,
			output: expect.stringContaining('No database'),
		});
	});
});
