import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import {
	openPostgresStore,
	postgresPoolOf,
	selectRows,
	sqliteStore,
	type Store,
} from '../../db/store.ts';
import { forgetArrivalOrder } from '../../src/lib/server/arrival-order.ts';
import { rewriteErasedText } from '../../src/lib/server/erasure-postgres.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { resolveReports } from '../../src/lib/server/moderation/reports.ts';
import { CLAIM_MINUTES, claimForReview } from '../../src/lib/server/moderation/review.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { addReaction } from '../../src/lib/server/reactions.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { receiveStory, reviseStory, withdrawStory } from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { everyStoredCell, storedSubmission } from '../helpers/stored.ts';
import { useTestStores } from '../helpers/stores.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

/**
 * A day of mixed activity with every time controlled: writers submit, revise, resubmit and
 * withdraw; readers react and report (enough to hide a story); moderators claim, publish,
 * decline, edit and resolve. Afterwards the whole database is read, every table and column
 * (on SQLite hidden rowids included), as someone holding a copy of the data would.
 */
const DAY = '2026-03-10';
const at = (time: string) => new Date(`${DAY}T${time}Z`);

const testStores = useTestStores();

interface Day {
	/** Times of writers' and readers' actions: none of them may be found or inferred. */
	privateTimes: Date[];
	/** Times of moderators' actions, which the audit trail records on purpose. */
	moderatorTimes: Date[];
	/** Every title and body written, in order. */
	texts: string[];
}

/** Runs one action; a test may look at the database around it. */
type Around = (action: () => Promise<unknown>) => Promise<void>;

/** The day's actions on `store`, each at its own time of day. */
async function liveADay(store: Store, around: Around = async (action) => void (await action())) {
	const day: Day = { privateTimes: [], moderatorTimes: [], texts: [] };
	const stories: { id: string; receiptCode: string; slug?: string }[] = [];
	let moderatorId = '';

	/** Runs one action at `time`, noting whose it was. */
	async function act(time: string, by: 'writer' | 'reader' | 'moderator', action: () => unknown) {
		const when = at(time);
		vi.setSystemTime(when);
		(by === 'moderator' ? day.moderatorTimes : day.privateTimes).push(when);
		await around(async () => action());
	}

	function draft(index: number, extra = ''): StoryDraft {
		const title = `Day ${index} of staying with it`;
		const body = `Story ${index}: the mornings were the hardest part. ${'I kept going to meetings and calling my sister. '.repeat(8)}${extra}`;
		day.texts.push(title, body);
		return { title, body, penName: `Writer ${index}`, topics: ['alcohol'], contentWarnings: [] };
	}

	const version = async (id: string) => (await storedSubmission(store, { id }))!.version;

	vi.useFakeTimers({ toFake: ['Date'] });
	try {
		await act('07:58:31', 'moderator', async () => {
			moderatorId = (
				await addModerator(
					{ username: 'morgan', password: 'cedar-window-61-patient', isAdmin: true },
					store,
				)
			).id;
		});
		for (let index = 1; index <= 12; index += 1) {
			await act(
				`08:${String(index * 4 + 1).padStart(2, '0')}:${String(index + 10)}`,
				'writer',
				async () => {
					const story = draft(index);
					const { receiptCode } = await receiveStory(story, store);
					const row = (await storedSubmission(store, { title: story.title }))!;
					stories.push({ id: row.id, receiptCode });
				},
			);
		}
		const story = (index: number) => stories[index - 1]!;
		await act('09:02:13', 'moderator', () => claimForReview(story(1).id, moderatorId, store));
		await act('09:17:29', 'writer', () =>
			reviseStory(story(2).receiptCode, draft(2, 'Revised once.'), store),
		);
		for (let index = 1; index <= 8; index += 1) {
			await act(`09:3${index}:0${index}`, 'moderator', async () => {
				await decideSubmission(
					story(index).id,
					moderatorId,
					await version(story(index).id),
					{
						kind: 'publish',
					},
					store,
				);
				story(index).slug = (await storedSubmission(store, { id: story(index).id }))!.slug!;
			});
		}
		for (let index = 1; index <= 8; index += 1) {
			for (const [offset, reaction] of (['helped', 'strength'] as const).entries()) {
				await act(`10:1${index}:${offset}${index}`, 'reader', () =>
					addReaction(story(index).slug!, reaction, `reader-${index}-${offset}`, store),
				);
			}
		}
		await act('10:47:55', 'writer', () => withdrawStory(story(3).receiptCode, store));
		const reported = [4, 4, 4, 5, 5, 6, 6, 7, 8, 1];
		for (const [number, index] of reported.entries()) {
			await act(`11:0${number}:4${number}`, 'reader', () =>
				reportStory(story(index).slug!, 'other', null, `reporter-${number}`, store, 3),
			);
		}
		await act('12:00:07', 'moderator', async () =>
			decideSubmission(
				story(9).id,
				moderatorId,
				await version(story(9).id),
				{
					kind: 'decline',
					reason: 'identifying-details',
					note: 'Please leave out the street.',
				},
				store,
			),
		);
		await act('12:40:41', 'writer', () =>
			reviseStory(story(9).receiptCode, draft(9, 'Street left out.'), store),
		);
		await act('13:13:13', 'moderator', () =>
			resolveReports(story(5).id, moderatorId, 'Fine.', store),
		);
		await act('14:14:19', 'writer', () =>
			reviseStory(story(10).receiptCode, draft(10, 'A longer ending.'), store),
		);
		await act('15:15:17', 'writer', () => withdrawStory(story(11).receiptCode, store));
		await act('16:16:16', 'moderator', async () =>
			editSubmission(
				story(2).id,
				moderatorId,
				await version(story(2).id),
				draft(2, 'Trimmed.'),
				store,
			),
		);
	} finally {
		vi.useRealTimers();
	}
	return day;
}

const startOfDay = at('00:00:00').getTime();
const isMidnight = (milliseconds: number) => milliseconds % 86_400_000 === 0;

describe.each(['sqlite', 'postgres'] as const)(
	'after a day of mixed activity, the database on %s',
	(engine) => {
		let temp: TempDatabase | undefined;
		let store: Store;
		let day: Day;
		// One day for all the tests: each store made here is closed after the last of them.
		beforeAll(async () => {
			if (engine === 'sqlite') {
				temp = createTempDatabase();
				store = sqliteStore(temp.database);
			} else store = openPostgresStore(await testStores.cluster.createMigratedDatabase());
			day = await liveADay(store);
		});
		afterAll(async () => {
			await store.close();
			temp?.remove();
		});

		it('holds no time of day of a writer or reader: only days, and moderators’ own times', async () => {
			const cells = await everyStoredCell(store);
			const allowed = new Set(
				day.moderatorTimes.flatMap((time) => [
					time.getTime(),
					time.getTime() + CLAIM_MINUTES * 60_000,
				]),
			);
			const suspicious = cells.filter(({ table, value }) => {
				if (table === '__drizzle_migrations') return false;
				const candidates =
					typeof value === 'number'
						? [value * 1000, value]
						: typeof value === 'string'
							? [...value.matchAll(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?/g)].map((match) =>
									Date.parse(`${match[0].replace(' ', 'T')}Z`),
								)
							: [];
				return candidates.some(
					(milliseconds) =>
						milliseconds >= startOfDay - 86_400_000 &&
						milliseconds < startOfDay + 2 * 86_400_000 &&
						!isMidnight(milliseconds) &&
						!allowed.has(milliseconds - (milliseconds % 1000)),
				);
			});
			expect(suspicious).toEqual([]);
			// The check above does look: the moderators' times are there.
			expect(cells.some(({ value }) => value === day.moderatorTimes.at(-1)!.getTime() / 1000)).toBe(
				true,
			);
		});

		it('holds no unkeyed hash that would confirm a guessed text', async () => {
			const { texts } = day;
			const digests = texts.flatMap((text, index) => {
				const inputs = [text];
				if (index % 2 === 0) inputs.push(`${text}\u0000${texts[index + 1]}`);
				return inputs.flatMap((input) => {
					const digest = createHash('sha256').update(input).digest();
					return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
				});
			});
			const found = (await everyStoredCell(store)).filter(
				({ value }) =>
					typeof value === 'string' && digests.some((digest) => value.includes(digest)),
			);
			expect(found).toEqual([]);
		});
	},
);

const ROWID_TABLES = [
	'submissions',
	'submission_receipts',
	'reports',
	'moderation_events',
	'reaction_counts',
	'page_generations',
];

describe('after a day of mixed activity (SQLite only: the hidden rowids SQLite gives rows in order of arrival unless a row brings its own id)', () => {
	let temp: TempDatabase;
	/** Every row each table gained, in the order the actions happened. */
	const insertedRowids = new Map<string, unknown[]>();
	beforeAll(async () => {
		temp = createTempDatabase();
		const rowidsOf = (table: string): unknown[] =>
			temp.database.$client
				.prepare(`SELECT rowid AS id FROM ${table}`)
				.all()
				.map((row) => (row as { id: unknown }).id);
		await liveADay(sqliteStore(temp.database), async (action) => {
			const before = new Map(ROWID_TABLES.map((table) => [table, new Set(rowidsOf(table))]));
			await action();
			for (const table of ROWID_TABLES) {
				const added = rowidsOf(table).filter((id) => !before.get(table)!.has(id));
				insertedRowids.set(table, [...(insertedRowids.get(table) ?? []), ...added]);
			}
		});
	});
	afterAll(() => temp.remove());

	it.each(ROWID_TABLES)(
		'gives the rows of %s ids whose order says nothing about when they were added',
		(table) => {
			const ids = insertedRowids.get(table)!.map(Number);
			expect(ids.length).toBeGreaterThanOrEqual(8);
			const ascending = ids.every((id, index) => index === 0 || id > ids[index - 1]!);
			const descending = ids.every((id, index) => index === 0 || id < ids[index - 1]!);
			expect({ table, ascending, descending }).toEqual({
				table,
				ascending: false,
				descending: false,
			});
		},
	);
});

describe('after a day of mixed activity and the night after it (PostgreSQL only: every row version carries the id of the transaction that wrote it, in order)', () => {
	let store: Store;
	beforeAll(async () => {
		store = openPostgresStore(await testStores.cluster.createMigratedDatabase());
		await liveADay(store);
	});
	afterAll(() => store.close());

	/** The transaction id of every row version on every page of `table` and its partitions. */
	async function idsOnEveryPage(table: string): Promise<Set<string>> {
		const rows = await store.read((scope) =>
			selectRows<{ xmin: string }>(
				scope,
				sql`SELECT DISTINCT item.t_xmin::text AS xmin
				FROM pg_class relation
				CROSS JOIN generate_series(0, pg_relation_size(relation.oid) / current_setting('block_size')::int - 1) AS page
				CROSS JOIN heap_page_items(get_raw_page(relation.oid::regclass::text, page::int)) AS item
				WHERE relation.relkind = 'r' AND item.t_xmin IS NOT NULL AND (
					relation.oid = ${table}::regclass
					OR relation.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = ${table}::regclass)
				)`,
			),
		);
		return new Set(rows.map((row) => row.xmin));
	}

	/** Each audit event's transaction id, and whether a moderator made it. */
	const auditIds = () =>
		store.read((scope) =>
			selectRows<{ id: string; xmin: string; moderator: boolean }>(
				scope,
				sql`SELECT id::text, xmin::text, moderator_id IS NOT NULL AS moderator FROM moderation_events`,
			),
		);

	it('keeps the rows writers and readers wrote in no order, and no older version of them', async () => {
		await store.read((scope) => selectRows(scope, sql`CREATE EXTENSION IF NOT EXISTS pageinspect`));
		const before = await auditIds();
		// Before the night the order is there to read: the checks below do look.
		expect((await idsOnEveryPage('submissions')).size).toBeGreaterThan(5);
		expect(
			new Set(before.filter((event) => !event.moderator).map((event) => event.xmin)).size,
		).toBeGreaterThan(5);

		expect(await forgetArrivalOrder(store)).toBeGreaterThan(0);
		expect(await store.read((scope) => rewriteErasedText(postgresPoolOf(scope)))).toBe(true);

		const ids = new Set<string>();
		for (const table of [
			'submissions',
			'submission_receipts',
			'reports',
			'reaction_counts',
			'page_generations',
			'community_listing_counts',
			'daily_marks',
		]) {
			for (const id of await idsOnEveryPage(table)) ids.add(id);
		}
		expect(ids.size).toBe(1);
		const night = [...ids][0]!;
		// Moderators' events keep their order, as they keep their times; the others now carry
		// the night's id, and no version of the audit trail's pages holds another.
		const after = await auditIds();
		const moderatorIds = before.filter((event) => event.moderator).map((event) => event.xmin);
		expect(after.filter((event) => event.moderator).map((event) => event.xmin)).toEqual(
			moderatorIds,
		);
		expect(new Set(after.filter((event) => !event.moderator).map((event) => event.xmin))).toEqual(
			new Set([night]),
		);
		expect(await idsOnEveryPage('moderation_events')).toEqual(new Set([...moderatorIds, night]));
		expect(moderatorIds.every((id) => Number(id) < Number(night))).toBe(true);
		// A listing's topic rows come with a moderator's publishing (a trigger, same transaction).
		for (const id of await idsOnEveryPage('community_listing_topics')) {
			expect(moderatorIds).toContain(id);
		}
		// The events themselves are as they were.
		expect(after.map(({ id }) => id).sort()).toEqual(before.map(({ id }) => id).sort());
	});

	it('keeps the audit trail append-only outside that rewrite', async () => {
		await expect(
			store.read((scope) => selectRows(scope, sql`UPDATE moderation_events SET action = action`)),
		).rejects.toMatchObject({ cause: { code: '23001' } });
		await expect(
			store.transact(async (scope) => {
				await selectRows(
					scope,
					sql`SELECT set_config('common_thread.rewriting_arrival_order', 'on', true)`,
				);
				await selectRows(scope, sql`UPDATE moderation_events SET action = 'changed'`);
			}),
		).rejects.toMatchObject({ cause: { code: '23001' } });
	});
});
