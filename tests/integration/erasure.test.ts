import { dirname } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	openPostgresStore,
	postgresOf,
	postgresPoolOf,
	sqliteStore,
	type Store,
} from '../../db/store.ts';
import { migratePostgres } from '../../db/migrate-postgres.ts';
import { rewriteErasedText } from '../../src/lib/server/erasure-postgres.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { resolveReports } from '../../src/lib/server/moderation/reports.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { receiveStory, withdrawStory } from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';
import { findWordsOnDisk, type WordsOnDiskOptions } from '../helpers/disk-words.ts';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

/** One engine's data folder: a fresh SQLite file, or a whole PostgreSQL cluster of its own. */
interface DataFolder {
	store: Store;
	/** The SQLite file, on SQLite. */
	databaseFile?: string;
	/** The database's connection string, on PostgreSQL. */
	url?: string;
	/** A superuser's connection string to the same database, when the site's role is not one. */
	adminUrl?: string;
	/** The database's own cluster, on PostgreSQL. */
	cluster?: PostgresCluster;
	folder: string;
	/** What findWordsOnDisk must leave out to skip the pages of the story rows. */
	storyRows(): Promise<WordsOnDiskOptions>;
	remove(): Promise<void>;
}

async function sqliteFolder(): Promise<DataFolder> {
	const temp: TempDatabase = createTempDatabase();
	return {
		store: sqliteStore(temp.database),
		databaseFile: temp.path,
		folder: dirname(temp.path),
		storyRows: async () => ({
			skipTablePages: { databaseFile: temp.path, tables: ['submissions'] },
		}),
		remove: async () => temp.remove(),
	};
}

/** A role that owns the site's database and is no superuser, as in production (README). */
const SITE_ROLE = 'common_thread';

/**
 * A database owned by SITE_ROLE, migrated by it: its connection string as that role, and a
 * superuser's in the same database.
 */
async function databaseOwnedBySiteRole(cluster: PostgresCluster) {
	const admin = new pg.Client({ connectionString: cluster.url });
	await admin.connect();
	try {
		await admin.query(`CREATE ROLE ${SITE_ROLE} LOGIN`);
		await admin.query(`CREATE DATABASE ${SITE_ROLE} OWNER ${SITE_ROLE}`);
	} finally {
		await admin.end();
	}
	const inSiteDatabase = cluster.url.replace(/\/postgres$/, `/${SITE_ROLE}`);
	const url = inSiteDatabase.replace('//postgres@', `//${SITE_ROLE}@`);
	await migratePostgres(url);
	return { url, adminUrl: inSiteDatabase };
}

/**
 * A cluster of its own (the WAL is the cluster's, shared by every database in it), with
 * the site's database as the superuser's, or as SITE_ROLE's when `asSiteRole`.
 */
async function postgresFolder({ asSiteRole = false } = {}): Promise<DataFolder> {
	const cluster: PostgresCluster = await startPostgresCluster();
	const { url, adminUrl } = asSiteRole
		? await databaseOwnedBySiteRole(cluster)
		: { url: await cluster.createMigratedDatabase(), adminUrl: undefined };
	const store = openPostgresStore(url);
	return {
		store,
		url,
		adminUrl,
		cluster,
		folder: cluster.dataFolder,
		async storyRows() {
			// The files of every partition of submissions, its TOAST table and their indexes.
			const { rows } = await store.read((scope) =>
				postgresOf(scope).execute<{ file: string }>(
					sql`SELECT pg_relation_filepath(c.oid) AS file FROM pg_class c
						JOIN pg_inherits i ON c.oid = i.inhrelid OR c.oid IN (
							SELECT reltoastrelid FROM pg_class WHERE oid = i.inhrelid
						)
						WHERE i.inhparent = 'submissions'::regclass`,
				),
			);
			return { skipFiles: rows.map((row) => row.file) };
		},
		async remove() {
			await store.close();
			await cluster.stop();
		},
	};
}

let data: DataFolder;

/**
 * The words still in the data folder once the erasure has run: at once on SQLite; on
 * PostgreSQL the rewrite follows the answer in the background, and is waited for here.
 */
async function wordsOnDisk(words: readonly string[], options?: WordsOnDiskOptions) {
	if (store.engine === 'postgres')
		await store.read((scope) => rewriteErasedText(postgresPoolOf(scope)));
	return findWordsOnDisk(folder, words, options);
}
let store: Store;
let folder: string;
let moderatorId: string;

function draft(title: string, body: string, penName: string | null = null): StoryDraft {
	return { title, body, penName, topics: ['alcohol'], contentWarnings: [], milestone: null };
}

async function current(id: string) {
	const [row] = await store.read(({ query, tables }) =>
		query.select().from(tables.submissions).where(eq(tables.submissions.id, id)),
	);
	return row!;
}

async function receive(story: StoryDraft) {
	const { receiptCode } = await receiveStory(story, store);
	const [row] = await store.read(({ query, tables }) =>
		query.select().from(tables.submissions).where(eq(tables.submissions.title, story.title)),
	);
	return { id: row!.id, receiptCode };
}

async function publish(story: { id: string }) {
	const outcome = await decideSubmission(
		story.id,
		moderatorId,
		(await current(story.id)).version,
		// The story carries an email and a phone number on purpose: publish past the check.
		{ kind: 'publish', identifyingDetailsConfirmed: true },
		store,
	);
	expect(outcome.outcome).toBe('done');
	return (await current(story.id)).slug!;
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

/** A fresh data folder of the engine for each test, holding three other published stories. */
function useDataFolder(open: () => Promise<DataFolder>) {
	beforeEach(async () => {
		data = await open();
		({ store, folder } = data);
		moderatorId = (
			await addModerator(
				{ username: 'erin', password: 'amber-kettle-58-steady', isAdmin: false },
				store,
			)
		).id;
		// Other published stories, so the search index holds more than the one story.
		for (const name of ['harbour', 'lantern', 'meadow']) {
			await publish(await receive(draft(`A ${name} of small wins`, `${name} `.repeat(80))));
		}
	}, 60_000);
	afterEach(() => data.remove(), 60_000);
}

describe.each([
	['SQLite', sqliteFolder],
	['PostgreSQL', () => postgresFolder()],
] as const)(
	'erasing a story on %s leaves no word of it in any file of the data folder',
	(_, open) => {
		useDataFolder(open);

		it('after publish, a reader report with a note, and withdrawal', async () => {
			const story = await receive(identifyingStory);
			const slug = await publish(story);
			const report = await reportStory(
				slug,
				'identifying-details',
				'Snorvantic knows this family from Plimbertoft',
				'reader-key',
				store,
			);
			expect(report.outcome).toBe('received');
			expect(await withdrawStory(story.receiptCode, store)).toBe('done');

			expect(await wordsOnDisk([...STORY_WORDS, ...CONTACT_WORDS, ...REPORT_NOTE_WORDS])).toEqual(
				[],
			);
		});

		it('after withdrawals among many stories that share their pages', async () => {
			const stories = [];
			for (let index = 0; index < 40; index += 1) {
				const story = await receive(
					draft(
						`Story ${index} of the autumn`,
						`Mark${index}word${index} by the river. `.repeat(12),
					),
				);
				await publish(story);
				stories.push(story);
			}
			for (const index of [0, 20, 39]) {
				expect(await withdrawStory(stories[index]!.receiptCode, store)).toBe('done');
			}

			expect(await wordsOnDisk(['Mark0word0', 'Mark20word20', 'Mark39word39'])).toEqual([]);
			expect(await wordsOnDisk(['Mark21word21'])).not.toEqual([]);
		});

		it('after a moderator redacts words before publishing', async () => {
			const story = await receive(
				draft(
					'Mornings at the Bruxtenvoss mill',
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
				(await current(story.id)).version,
				redacted,
				store,
			);
			expect(edited.outcome).toBe('done');
			await publish(story);

			expect(await wordsOnDisk(['Bruxtenvoss', 'Quistamel', 'Ordwhistle'])).toEqual([]);
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
				(await current(story.id)).version,
				draft(
					'Evenings at the docks',
					`My cousin found me. ${'Every day a little easier. '.repeat(20)}`,
				),
				store,
			);
			expect(edited.outcome).toBe('done');

			expect(await wordsOnDisk(['Fennimoor', 'Drabbleworth'])).toEqual([]);
		});

		it('after unpublishing, only the story row itself still holds its words', async () => {
			const story = await receive(identifyingStory);
			await publish(story);
			const outcome = await decideSubmission(
				story.id,
				moderatorId,
				(await current(story.id)).version,
				{ kind: 'unpublish', note: 'identifying details' },
				store,
			);
			expect(outcome.outcome).toBe('done');

			expect(await wordsOnDisk([...STORY_WORDS, ...CONTACT_WORDS], await data.storyRows())).toEqual(
				[],
			);
		});

		it("after a report is resolved, its note is gone and the story's text stays", async () => {
			const story = await receive(
				draft('A quiet spring', 'Every day a little easier. '.repeat(20)),
			);
			const slug = await publish(story);
			await reportStory(
				slug,
				'other',
				'Wubblesnork says Crindlemarsh is mentioned',
				'reader-key',
				store,
			);
			expect(
				await resolveReports(story.id, moderatorId, 'Checked; nothing identifying.', store),
			).toBe(1);

			expect(await wordsOnDisk(['Wubblesnork', 'Crindlemarsh'])).toEqual([]);
			expect((await current(story.id)).title).toBe('A quiet spring');
		});
	},
	// Real work on a loaded machine: a cluster of its own per PostgreSQL case, 40 stories in one.
	60_000,
);

describe('on SQLite, an erasure held up by a reader', () => {
	useDataFolder(sqliteFolder);

	it('finishes on a timer once the reader lets go of its old snapshot', async () => {
		const story = await receive(identifyingStory);
		await publish(story);
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		const reader = new Sqlite(data.databaseFile, { readonly: true });
		try {
			// Another process (a second server, a backup) in the middle of a read.
			reader.exec('BEGIN');
			reader.prepare('SELECT count(*) FROM submissions').get();
			expect(await withdrawStory(story.receiptCode, store)).toBe('done');
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

describe('on PostgreSQL, an erasure held up by a reader', () => {
	useDataFolder(() => postgresFolder());

	it('finishes on a timer once the reader lets go of its lock', async () => {
		const story = await receive(identifyingStory);
		await publish(story);
		const reader = new pg.Client({ connectionString: data.url });
		await reader.connect();
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			// Another server (or a backup) in the middle of a long read of the stories.
			await reader.query('BEGIN');
			await reader.query('SELECT count(*) FROM submissions');
			expect(await withdrawStory(story.receiptCode, store)).toBe('done');
			// The rewrite that runs in the background, and this one after it, wait for the lock in vain.
			expect(await store.read((scope) => rewriteErasedText(postgresPoolOf(scope)))).toBe(false);
			expect(findWordsOnDisk(folder, STORY_WORDS)).not.toEqual([]);

			await reader.query('COMMIT');
			vi.advanceTimersByTime(5_000);
			await vi.waitFor(() => expect(findWordsOnDisk(folder, STORY_WORDS)).toEqual([]), {
				timeout: 20_000,
			});
		} finally {
			vi.useRealTimers();
			await reader.end();
		}
	}, 60_000);

	it('fails a rewrite cut off by a restart of PostgreSQL, not the server, and finishes it after', async () => {
		const story = await receive(identifyingStory);
		await publish(story);
		const reader = new pg.Client({ connectionString: data.url });
		reader.on('error', () => {}); // cut off by the restart below, as expected
		await reader.connect();
		await reader.query('BEGIN');
		await reader.query('SELECT count(*) FROM submissions');
		expect(await withdrawStory(story.receiptCode, store)).toBe('done');
		// This rewrite waits for the reader's lock when PostgreSQL stops under it.
		const cutOff = expect(
			store.read((scope) => rewriteErasedText(postgresPoolOf(scope))),
		).rejects.toThrow();
		await data.cluster!.halt();
		await cutOff;
		await reader.end().catch(() => {});

		await data.cluster!.resume();
		expect(await store.read((scope) => rewriteErasedText(postgresPoolOf(scope)))).toBe(true);
		expect(findWordsOnDisk(folder, STORY_WORDS)).toEqual([]);
	}, 60_000);
});

describe('on PostgreSQL, a role that may not let the old WAL go', () => {
	useDataFolder(() => postgresFolder({ asSiteRole: true }));

	it('keeps the WAL marked until a sweep may let it go, and the words leave the disk then', async () => {
		const story = await receive(identifyingStory);
		await publish(story);
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			expect(await withdrawStory(story.receiptCode, store)).toBe('done');
			// The partitions are rewritten, but the WAL that logged the story cannot be let go.
			expect(await store.read((scope) => rewriteErasedText(postgresPoolOf(scope)))).toBe(false);
			expect(logged).toHaveBeenCalledWith(expect.stringContaining('pg_checkpoint'));
			expect(findWordsOnDisk(folder, STORY_WORDS)).not.toEqual([]);
		} finally {
			logged.mockRestore();
		}

		// The operator grants what SECURITY.md asks; the next sweep (an erasure, a start) finishes.
		const admin = new pg.Client({ connectionString: data.adminUrl });
		await admin.connect();
		try {
			await admin.query(`GRANT pg_checkpoint TO ${SITE_ROLE}`);
			await admin.query(`GRANT EXECUTE ON FUNCTION pg_switch_wal() TO ${SITE_ROLE}`);
		} finally {
			await admin.end();
		}
		expect(await store.read((scope) => rewriteErasedText(postgresPoolOf(scope)))).toBe(true);
		expect(findWordsOnDisk(folder, STORY_WORDS)).toEqual([]);
	}, 60_000);
});
