import { sqliteStore } from '../../db/store.ts';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	appSecrets,
	moderationEvents,
	reports,
	submissionReceipts,
	submissions,
} from '../../db/schema.ts';
import { normalizeReceiptCode } from '../../src/lib/receipt-codes.ts';
import { issueFormToken } from '../../src/lib/server/form-token.ts';
import {
	findStoryByReceipt,
	receiveStory,
	reviseStory,
	withdrawStory,
} from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

const draft: StoryDraft = {
	title: 'The winter I stopped hiding',
	body: 'For a long time I told nobody. '.repeat(12) + '\n\nThen I went to a *meeting*.',
	penName: 'Wren',
	topics: ['alcohol', 'early-recovery'],
	contentWarnings: ['relapse'],
};

let temp: TempDatabase;
beforeEach(() => (temp = createTempDatabase()));
afterEach(() => temp.remove());

const rows = () => temp.database.select().from(submissions).all();

describe('receiveStory', () => {
	it('stores the story as pending with its rendered HTML and only the day it arrived', async () => {
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		const [row] = rows();
		expect(row).toMatchObject({
			title: draft.title,
			body: draft.body,
			penName: 'Wren',
			topics: draft.topics,
			contentWarnings: draft.contentWarnings,
			status: 'pending',
			version: 1,
			slug: null,
			publishedAt: null,
		});
		expect(row!.bodyHtml).toContain('<em>meeting</em>');
		expect(row!.createdDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(receiptCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
	});

	it('stores only a hash of the receipt code, never the code itself', async () => {
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		temp.database.$client.pragma('wal_checkpoint(TRUNCATE)');
		const file = readFileSync(temp.path).toString('latin1');
		const canonical = normalizeReceiptCode(receiptCode)!;
		expect(file).not.toContain(canonical);
		expect(file).not.toContain(receiptCode);
		const [receipt] = temp.database.select().from(submissionReceipts).all();
		expect(receipt!.receiptHash).toMatch(/^[0-9a-f]{64}$/);
	});

	it('keeps one row when the same form is posted twice the same day, and both codes work', async () => {
		const formToken = await issueFormToken(Date.now(), randomBytes(32));
		const first = await receiveStory(draft, sqliteStore(temp.database), formToken);
		const second = await receiveStory({ ...draft }, sqliteStore(temp.database), formToken);
		expect(rows()).toHaveLength(1);
		expect(second.receiptCode).not.toBe(first.receiptCode);
		expect((await findStoryByReceipt(first.receiptCode, sqliteStore(temp.database)))?.title).toBe(
			draft.title,
		);
		expect((await findStoryByReceipt(second.receiptCode, sqliteStore(temp.database)))?.title).toBe(
			draft.title,
		);
	});

	it('keeps the same text from two forms apart: neither code opens the other story', async () => {
		const secret = randomBytes(32);
		const first = await receiveStory(
			draft,
			sqliteStore(temp.database),
			await issueFormToken(Date.now(), secret),
		);
		const second = await receiveStory(
			draft,
			sqliteStore(temp.database),
			await issueFormToken(Date.now(), secret),
		);
		expect(rows()).toHaveLength(2);
		expect(await withdrawStory(second.receiptCode, sqliteStore(temp.database))).toBe('done');
		expect((await findStoryByReceipt(first.receiptCode, sqliteStore(temp.database)))?.status).toBe(
			'pending',
		);
	});

	it('stores nothing that confirms a guessed text without the form token', async () => {
		await receiveStory(
			draft,
			sqliteStore(temp.database),
			await issueFormToken(Date.now(), randomBytes(32)),
		);
		const [row] = rows();
		const guessed = `${draft.title}\u0000${draft.body}`;
		const secrets = temp.database.select().from(appSecrets).all();
		// Neither a plain hash nor an HMAC under any secret the database holds matches.
		const candidates = [
			createHash('sha256').update(guessed).digest('base64url'),
			...secrets.map(({ value }) =>
				createHmac('sha256', Buffer.from(value, 'base64')).update(guessed).digest('base64url'),
			),
		];
		expect(row!.resubmissionKey).toMatch(/^[\w-]{43}$/);
		expect(candidates).not.toContain(row!.resubmissionKey);
	});

	it('folds nothing when there is no form token', async () => {
		await receiveStory(draft, sqliteStore(temp.database));
		await receiveStory(draft, sqliteStore(temp.database));
		expect(rows()).toHaveLength(2);
	});

	it('keeps different stories apart', async () => {
		await receiveStory(draft, sqliteStore(temp.database));
		await receiveStory({ ...draft, title: 'A different title here' }, sqliteStore(temp.database));
		expect(rows()).toHaveLength(2);
	});
});

describe('findStoryByReceipt', () => {
	it('finds the story by its code however it is typed', async () => {
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		const typed = receiptCode.toLowerCase().replace(/-/g, ' ');
		expect(await findStoryByReceipt(typed, sqliteStore(temp.database))).toMatchObject({
			status: 'pending',
			editable: true,
		});
	});

	it.each(['', 'nonsense', '0000-0000-0000-0000-0000-0000-0000'])(
		'answers a wrong code %j with nothing',
		async (code) => {
			await receiveStory(draft, sqliteStore(temp.database));
			expect(await findStoryByReceipt(code, sqliteStore(temp.database))).toBeNull();
		},
	);
});

describe('the writer lifecycle', () => {
	it('edits a waiting story, bumping its version and auditing it without the text', async () => {
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		const revised = { ...draft, body: draft.body + '\n\nNinety days now.' };
		expect(await reviseStory(receiptCode, revised, sqliteStore(temp.database))).toBe('done');
		const [row] = rows();
		expect(row).toMatchObject({ body: revised.body, version: 2, status: 'pending' });
		const [event] = temp.database.select().from(moderationEvents).all();
		expect(event).toMatchObject({
			action: 'writer-revised',
			moderatorId: null,
			submissionId: row!.id,
		});
		expect(JSON.stringify(event!.detail)).not.toContain('Ninety');
		expect(event!.createdAt.getUTCHours() + event!.createdAt.getUTCMinutes()).toBe(0);
	});

	it('resubmits a declined story: back to pending, the old reason cleared', async () => {
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		temp.database
			.update(submissions)
			.set({ status: 'rejected', decisionReason: 'Names a workplace.' })
			.run();
		expect(
			(await findStoryByReceipt(receiptCode, sqliteStore(temp.database)))?.decisionReason,
		).toBe('Names a workplace.');
		expect(
			await reviseStory(
				receiptCode,
				{ ...draft, title: 'The winter I stopped hiding (revised)' },
				sqliteStore(temp.database),
			),
		).toBe('done');
		expect(rows()[0]).toMatchObject({ status: 'pending', decisionReason: null });
		expect(temp.database.select().from(moderationEvents).all()[0]!.action).toBe(
			'writer-resubmitted',
		);
	});

	it('refuses to edit a published story', async () => {
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		temp.database.update(submissions).set({ status: 'approved', slug: 'community-x' }).run();
		expect(await reviseStory(receiptCode, draft, sqliteStore(temp.database))).toBe('not-allowed');
		expect(rows()[0]!.version).toBe(1);
	});

	it.each(['pending', 'approved', 'rejected', 'unpublished'] as const)(
		'withdraws a %s story, erasing everything but a content-free tombstone',
		async (status) => {
			const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
			const id = rows()[0]!.id;
			temp.database.update(submissions).set({ status }).run();
			temp.database
				.insert(reports)
				.values({
					submissionId: id,
					reason: 'identifying',
					note: 'mentions Wren at work',
					createdAt: new Date(),
				})
				.run();
			expect(await withdrawStory(receiptCode, sqliteStore(temp.database))).toBe('done');
			const [row] = rows();
			expect(row).toMatchObject({
				status: 'withdrawn',
				title: '',
				body: '',
				bodyHtml: '',
				penName: null,
				topics: [],
				contentWarnings: [],
				resubmissionKey: null,
			});
			expect(
				temp.database.select().from(reports).where(eq(reports.submissionId, id)).get()!.note,
			).toBeNull();
			expect(
				temp.database
					.select()
					.from(moderationEvents)
					.all()
					.map((event) => event.action),
			).toContain('writer-withdrew');
			expect(await findStoryByReceipt(receiptCode, sqliteStore(temp.database))).toMatchObject({
				status: 'withdrawn',
				editable: false,
			});
		},
	);

	it('leaves no trace of withdrawn text in the database file', async () => {
		const { receiptCode } = await receiveStory(
			{ ...draft, body: draft.body + ' Zephyrine-Quillfeather.' },
			sqliteStore(temp.database),
		);
		await withdrawStory(receiptCode, sqliteStore(temp.database));
		temp.database.$client.pragma('wal_checkpoint(TRUNCATE)');
		expect(readFileSync(temp.path).toString('latin1')).not.toContain('Zephyrine-Quillfeather');
	});

	it('treats withdrawing twice as done, and refuses unknown codes', async () => {
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		expect(await withdrawStory(receiptCode, sqliteStore(temp.database))).toBe('done');
		expect(await withdrawStory(receiptCode, sqliteStore(temp.database))).toBe('done');
		expect(
			await withdrawStory('0000-0000-0000-0000-0000-0000-0000', sqliteStore(temp.database)),
		).toBe('not-found');
		expect(await reviseStory('nonsense', draft, sqliteStore(temp.database))).toBe('not-found');
	});
});
