import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { sqliteStore, type Store } from '../../db/store.ts';
import type { submissions } from '../../db/schema.ts';
import { normalizeReceiptCode } from '../../src/lib/receipt-codes.ts';
import { issueFormToken } from '../../src/lib/server/form-token.ts';
import { randomRowId } from '../../src/lib/server/row-ids.ts';
import {
	findStoryByReceipt,
	receiveStory,
	reviseStory,
	withdrawStory,
} from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { everyStoredCell } from '../helpers/stored.ts';
import { useTestStores } from '../helpers/stores.ts';

const testStores = useTestStores();

const draft: StoryDraft = {
	title: 'The winter I stopped hiding',
	body: 'For a long time I told nobody. '.repeat(12) + '\n\nThen I went to a *meeting*.',
	penName: 'Wren',
	topics: ['alcohol', 'early-recovery'],
	contentWarnings: ['relapse'],
};

describe.each(['sqlite', 'postgres'] as const)('on %s', (engine) => {
	let store: Store;
	beforeEach(async () => {
		store = await testStores.freshStore(engine);
	});

	const rows = () => store.read(({ query, tables }) => query.select().from(tables.submissions));
	const events = () =>
		store.read(({ query, tables }) => query.select().from(tables.moderationEvents));
	const setEveryStory = (values: Partial<typeof submissions.$inferInsert>) =>
		store.transact(({ query, tables }) => query.update(tables.submissions).set(values));

	describe('receiveStory', () => {
		it('stores the story as pending with its rendered HTML and only the day it arrived', async () => {
			const { receiptCode } = await receiveStory(draft, store);
			const [row] = await rows();
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
			const { receiptCode } = await receiveStory(draft, store);
			const canonical = normalizeReceiptCode(receiptCode)!;
			const stored = JSON.stringify(await everyStoredCell(store));
			expect(stored).not.toContain(canonical);
			expect(stored).not.toContain(receiptCode);
			const [receipt] = await store.read(({ query, tables }) =>
				query.select().from(tables.submissionReceipts),
			);
			expect(receipt!.receiptHash).toMatch(/^[0-9a-f]{64}$/);
		});

		it('keeps one row when the same form is posted twice the same day, and both codes work', async () => {
			const formToken = await issueFormToken(Date.now(), randomBytes(32));
			const first = await receiveStory(draft, store, formToken);
			const second = await receiveStory({ ...draft }, store, formToken);
			expect(await rows()).toHaveLength(1);
			expect(second.receiptCode).not.toBe(first.receiptCode);
			expect((await findStoryByReceipt(first.receiptCode, store))?.title).toBe(draft.title);
			expect((await findStoryByReceipt(second.receiptCode, store))?.title).toBe(draft.title);
		});

		it('keeps the same text from two forms apart: neither code opens the other story', async () => {
			const secret = randomBytes(32);
			const first = await receiveStory(draft, store, await issueFormToken(Date.now(), secret));
			const second = await receiveStory(draft, store, await issueFormToken(Date.now(), secret));
			expect(await rows()).toHaveLength(2);
			expect(await withdrawStory(second.receiptCode, store)).toBe('done');
			expect((await findStoryByReceipt(first.receiptCode, store))?.status).toBe('pending');
		});

		it('stores nothing that confirms a guessed text without the form token', async () => {
			await receiveStory(draft, store, await issueFormToken(Date.now(), randomBytes(32)));
			const [row] = await rows();
			const guessed = `${draft.title}\u0000${draft.body}`;
			const secrets = await store.read(({ query, tables }) =>
				query.select().from(tables.appSecrets),
			);
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
			await receiveStory(draft, store);
			await receiveStory(draft, store);
			expect(await rows()).toHaveLength(2);
		});

		it('keeps different stories apart', async () => {
			await receiveStory(draft, store);
			await receiveStory({ ...draft, title: 'A different title here' }, store);
			expect(await rows()).toHaveLength(2);
		});
	});

	describe('findStoryByReceipt', () => {
		it('finds the story by its code however it is typed', async () => {
			const { receiptCode } = await receiveStory(draft, store);
			const typed = receiptCode.toLowerCase().replace(/-/g, ' ');
			expect(await findStoryByReceipt(typed, store)).toMatchObject({
				status: 'pending',
				editable: true,
			});
		});

		it.each(['', 'nonsense', '0000-0000-0000-0000-0000-0000-0000'])(
			'answers a wrong code %j with nothing',
			async (code) => {
				await receiveStory(draft, store);
				expect(await findStoryByReceipt(code, store)).toBeNull();
			},
		);
	});

	describe('the writer lifecycle', () => {
		it('edits a waiting story, bumping its version and auditing it without the text', async () => {
			const { receiptCode } = await receiveStory(draft, store);
			const revised = { ...draft, body: draft.body + '\n\nNinety days now.' };
			expect(await reviseStory(receiptCode, revised, store)).toBe('done');
			const [row] = await rows();
			expect(row).toMatchObject({ body: revised.body, version: 2, status: 'pending' });
			const [event] = await events();
			expect(event).toMatchObject({
				action: 'writer-revised',
				moderatorId: null,
				submissionId: row!.id,
			});
			expect(JSON.stringify(event!.detail)).not.toContain('Ninety');
			expect(event!.createdAt.getUTCHours() + event!.createdAt.getUTCMinutes()).toBe(0);
		});

		it('resubmits a declined story: back to pending, the old reason cleared', async () => {
			const { receiptCode } = await receiveStory(draft, store);
			await setEveryStory({ status: 'rejected', decisionReason: 'Names a workplace.' });
			expect((await findStoryByReceipt(receiptCode, store))?.decisionReason).toBe(
				'Names a workplace.',
			);
			expect(
				await reviseStory(
					receiptCode,
					{ ...draft, title: 'The winter I stopped hiding (revised)' },
					store,
				),
			).toBe('done');
			expect((await rows())[0]).toMatchObject({ status: 'pending', decisionReason: null });
			expect((await events())[0]!.action).toBe('writer-resubmitted');
		});

		it('refuses to edit a published story', async () => {
			const { receiptCode } = await receiveStory(draft, store);
			await setEveryStory({ status: 'approved', slug: 'community-x' });
			expect(await reviseStory(receiptCode, draft, store)).toBe('not-allowed');
			expect((await rows())[0]!.version).toBe(1);
		});

		it.each(['pending', 'approved', 'rejected', 'unpublished'] as const)(
			'withdraws a %s story, erasing everything but a content-free tombstone',
			async (status) => {
				const { receiptCode } = await receiveStory(draft, store);
				const id = (await rows())[0]!.id;
				await setEveryStory({ status });
				await store.transact(({ query, tables }) =>
					query.insert(tables.reports).values({
						id: randomRowId(),
						submissionId: id,
						reason: 'identifying',
						note: 'mentions Wren at work',
						createdAt: new Date(),
					}),
				);
				expect(await withdrawStory(receiptCode, store)).toBe('done');
				const [row] = await rows();
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
				const [report] = await store.read(({ query, tables: { reports } }) =>
					query.select().from(reports).where(eq(reports.submissionId, id)),
				);
				expect(report!.note).toBeNull();
				expect((await events()).map((event) => event.action)).toContain('writer-withdrew');
				expect(await findStoryByReceipt(receiptCode, store)).toMatchObject({
					status: 'withdrawn',
					editable: false,
				});
			},
		);

		it('treats withdrawing twice as done, and refuses unknown codes', async () => {
			const { receiptCode } = await receiveStory(draft, store);
			expect(await withdrawStory(receiptCode, store)).toBe('done');
			expect(await withdrawStory(receiptCode, store)).toBe('done');
			expect(await withdrawStory('0000-0000-0000-0000-0000-0000-0000', store)).toBe('not-found');
			expect(await reviseStory('nonsense', draft, store)).toBe('not-found');
		});
	});
});

describe('the database file (SQLite only: what its bytes on disk hold, WAL checkpointed)', () => {
	/** The whole file once the WAL is folded into it, as a copy of the data folder would hold. */
	function fileText(temp: ReturnType<typeof testStores.tempDatabase>): string {
		temp.database.$client.pragma('wal_checkpoint(TRUNCATE)');
		return readFileSync(temp.path).toString('latin1');
	}

	it('holds no receipt code, in any form it is typed', async () => {
		const temp = testStores.tempDatabase();
		const { receiptCode } = await receiveStory(draft, sqliteStore(temp.database));
		const file = fileText(temp);
		expect(file).not.toContain(normalizeReceiptCode(receiptCode)!);
		expect(file).not.toContain(receiptCode);
	});

	it('leaves no trace of withdrawn text', async () => {
		const temp = testStores.tempDatabase();
		const store = sqliteStore(temp.database);
		const { receiptCode } = await receiveStory(
			{ ...draft, body: draft.body + ' Zephyrine-Quillfeather.' },
			store,
		);
		await withdrawStory(receiptCode, store);
		expect(fileText(temp)).not.toContain('Zephyrine-Quillfeather');
	});
});
