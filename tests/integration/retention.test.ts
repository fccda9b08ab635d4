import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, sqliteStore, type Store } from '../../db/store.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { purgeDeclinedStories } from '../../src/lib/server/retention.ts';
import { findStoryByReceipt, receiveStory, reviseStory } from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { findWordsOnDisk } from '../helpers/disk-words.ts';
import { storedSubmission } from '../helpers/stored.ts';
import { useTestStores } from '../helpers/stores.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DAY_MS = 86_400_000;
const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

const testStores = useTestStores();

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

/** A moderator on `store`, and stories received on it and decided by them at a given time. */
async function moderatedStore(store: Store) {
	const moderatorId = (
		await addModerator(
			{ username: 'rowan', password: 'willow-sparrow-33-gentle', isAdmin: false },
			store,
		)
	).id;
	async function storyDecided(word: string, decision: 'decline' | 'publish' | null, at: Date) {
		const { receiptCode } = await receiveStory(draft(word), store);
		const row = (await storedSubmission(store, { title: `The ${word} winter` }))!;
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
				store,
				at,
			);
		} else if (decision === 'publish') {
			await decideSubmission(row.id, moderatorId, row.version, { kind: 'publish' }, store, at);
		}
		return { id: row.id, receiptCode };
	}
	const rowOf = async (id: string) => (await storedSubmission(store, { id }))!;
	return { moderatorId, storyDecided, rowOf };
}

describe.each(['sqlite', 'postgres'] as const)('purgeDeclinedStories on %s', (engine) => {
	let store: Store;
	let moderated: Awaited<ReturnType<typeof moderatedStore>>;
	beforeEach(async () => {
		store = await testStores.freshStore(engine);
		moderated = await moderatedStore(store);
	});

	it('erases exactly the declined stories past the limit', async () => {
		const { storyDecided, rowOf } = moderated;
		const expired = await storyDecided('Quillendorf', 'decline', daysAgo(31));
		const recent = await storyDecided('Marrowvale', 'decline', daysAgo(29));
		const resubmitted = await storyDecided('Tessaract', 'decline', daysAgo(40));
		expect(await reviseStory(resubmitted.receiptCode, draft('Tessaract'), store)).toBe('done');
		const published = await storyDecided('Hollowmere', 'publish', daysAgo(60));
		await reportStory(
			(await rowOf(published.id)).slug!,
			'other',
			'Brindlecott mentioned',
			'reader',
			store,
		);
		const waiting = await storyDecided('Ashcombe', null, daysAgo(50));

		expect(await purgeDeclinedStories(30, store, now)).toBe(1);

		expect(await rowOf(expired.id)).toMatchObject({
			status: 'rejected',
			title: '',
			body: '',
			bodyHtml: '',
			penName: null,
			decisionNote: null,
			decisionReason: 'identifying-details',
			createdDay: (await rowOf(recent.id)).createdDay,
			textErased: true,
		});
		for (const kept of [recent, resubmitted, published, waiting]) {
			expect((await rowOf(kept.id)).textErased).toBe(false);
			expect((await rowOf(kept.id)).title).not.toBe('');
		}
		const [report] = await store.read(({ query, tables: { reports } }) =>
			query.select().from(reports).where(eq(reports.submissionId, published.id)),
		);
		expect(report!.note).toBe('Brindlecott mentioned');
		expect(await purgeDeclinedStories(30, store, now)).toBe(0);
	});

	it('leaves the writer the reason, and nothing anyone can edit or resubmit', async () => {
		const { moderatorId, storyDecided, rowOf } = moderated;
		const expired = await storyDecided('Quillendorf', 'decline', daysAgo(31));
		await purgeDeclinedStories(30, store, now);

		const view = await findStoryByReceipt(expired.receiptCode, store);
		expect(view).toMatchObject({
			status: 'rejected',
			decisionReason: 'identifying-details',
			textErased: true,
			editable: false,
		});
		expect(await reviseStory(expired.receiptCode, draft('Again'), store)).toBe('not-allowed');
		const edited = await editSubmission(
			expired.id,
			moderatorId,
			(await rowOf(expired.id)).version,
			draft('Again'),
			store,
		);
		expect(edited.outcome).toBe('not-allowed');
		expect((await rowOf(expired.id)).title).toBe('');
	});
});

describe('purgeDeclinedStories (SQLite only: the bytes of the data folder on disk)', () => {
	it('leaves no word of an erased story in any file of the data folder', async () => {
		const temp = testStores.tempDatabase();
		const store = sqliteStore(temp.database);
		const { storyDecided } = await moderatedStore(store);
		await storyDecided('Quillendorf', 'decline', daysAgo(31));
		expect(await purgeDeclinedStories(30, store, now)).toBe(1);
		expect(findWordsOnDisk(dirname(temp.path), ['Quillendorf'])).toEqual([]);
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
		const temp = testStores.tempDatabase();
		const { storyDecided, rowOf } = await moderatedStore(sqliteStore(temp.database));
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
		expect((await rowOf(declined.id)).textErased).toBe(true);
	});

	it('erases them in the database at DATABASE_URL, and their words leave its data folder', async () => {
		const url = await testStores.cluster.createMigratedDatabase();
		const store = testStores.closeAfterTest(openPostgresStore(url));
		const { storyDecided, rowOf } = await moderatedStore(store);
		const declined = await storyDecided('Brannoway', 'decline', new Date(Date.now() - 8 * DAY_MS));
		const kept = await storyDecided('Oskelmire', 'decline', new Date(Date.now() - 2 * DAY_MS));
		// Set for SQLite too, as an operator's environment may be: DATABASE_URL wins.
		const missingFile = join(testStores.cluster.dataFolder, 'missing.db');
		const result = await purge({
			DATABASE_URL: url,
			DATABASE_PATH: missingFile,
			DECLINED_RETENTION_DAYS: '7',
		});
		expect(result).toEqual({
			code: 0,
			output: expect.stringContaining('erased the text of 1 declined story'),
		});
		expect((await rowOf(declined.id)).textErased).toBe(true);
		expect((await rowOf(kept.id)).textErased).toBe(false);
		// The story, its pen name and the decline note that quoted it: in no file, WAL included.
		expect(findWordsOnDisk(testStores.cluster.dataFolder, ['Brannoway'])).toEqual([]);
	});

	it('refuses a bad setting (78) and a missing database (66)', async () => {
		const temp = testStores.tempDatabase();
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
