import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { submissions } from '../../db/schema.ts';
import * as postgresSchema from '../../db/schema-pg.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { editSubmission } from '../../src/lib/server/moderation/edits.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import { pageGenerationReader } from '../../src/lib/server/page-generations.ts';
import { reportStory } from '../../src/lib/server/reports.ts';
import { openDatabase } from '../../db/client.ts';
import { runDataSteps } from '../../db/data-steps.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../db/migrate.ts';
import { reindexCommunitySearch } from '../../db/data-steps/reindex-community-search.ts';
import {
	communitySearchDocument,
	indexForSearchSqlite,
	SEARCH_PAGE_SIZE,
	SEARCH_RESULT_CAP,
	type SearchDocument,
	type SearchKind,
	type SearchResults,
} from '../../src/lib/server/search.ts';
import {
	indexForSearchPostgres,
	refreshCuratedSearchPostgres,
	removeFromSearchPostgres,
	searchPublishedPostgres,
} from '../../src/lib/server/search-postgres.ts';
import { sqliteStore, type PostgresQueryable } from '../../db/store.ts';
import { refreshCuratedSearch, searchPublished } from '../../src/lib/server/search-index.ts';
import { receiveStory, withdrawStory } from '../../src/lib/server/submissions.ts';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.ts';
import {
	createTempDatabase,
	createTempFolder,
	type TempDatabase,
} from '../helpers/temp-database.ts';

const CURATED: SearchDocument[] = [
	{
		path: '/strategies/riding-out-a-craving',
		kind: 'editorial',
		topics: ['cravings'],
		title: 'Riding out a craving',
		summary: 'Urge surfing and HALT.',
		body: 'A craving rises and falls like a wave. Breathe and wait.',
		publishedAt: new Date('2024-03-01'),
	},
	{
		path: '/stories/night-shift',
		kind: 'composite',
		topics: ['work', 'opioids'],
		title: 'The night shift',
		summary: 'Work and recovery.',
		body: 'At work a craving hit me at three in the morning.',
		publishedAt: new Date('2024-05-01'),
	},
	{
		path: '/strategies/first-meeting',
		kind: 'editorial',
		topics: ['community'],
		title: 'Your first meeting',
		summary: 'What to expect.',
		body: 'Coffee, chairs and people who understand.',
		publishedAt: new Date('2024-07-01'),
	},
];

let temp: TempDatabase;
let moderatorId: string;
beforeEach(async () => {
	temp = createTempDatabase();
	moderatorId = (
		await addModerator(
			{ username: 'alice', password: 'lantern-orchard-47-quiet', isAdmin: true },
			sqliteStore(temp.database),
		)
	).id;
	await refreshCuratedSearch(CURATED, sqliteStore(temp.database));
});
afterEach(() => temp.remove());

/** One throw-away PostgreSQL cluster for the file, with one migrated database. */
let cluster: PostgresCluster;
let postgresPool: pg.Pool;
let postgres: PostgresQueryable;
beforeAll(async () => {
	cluster = await startPostgresCluster();
	postgresPool = new pg.Pool({ connectionString: await cluster.createMigratedDatabase(), max: 2 });
	// The cluster's shutdown ends a connection still closing (seen on a busy machine): expected.
	postgresPool.on('error', () => {});
	postgres = drizzle({ client: postgresPool, schema: postgresSchema });
}, 120_000);
afterAll(async () => {
	await postgresPool?.end();
	await cluster?.stop();
}, 60_000);

interface SearchOptions {
	kind?: SearchKind;
	topic?: string;
	page?: number;
}

/** What the relevance cases need of an engine: its search, its index, a published story. */
interface SearchEngine {
	name: string;
	/** An index holding the curated pieces only (SQLite's is made for every test above). */
	reset(): Promise<void>;
	search(query: string, options?: SearchOptions): Promise<SearchResults>;
	/** Indexes the pieces in one transaction, as a data step or publishing would. */
	index(documents: readonly SearchDocument[]): Promise<void>;
	/** Publishes a community story with this title and text; its path. */
	publishCommunityStory(title: string, body: string): Promise<string>;
}

const searchInput = (query: string, options: SearchOptions = {}) => ({
	query,
	kind: options.kind ?? null,
	topic: options.topic ?? null,
	page: options.page ?? 1,
});

/** A community story's text as publishCommunityStory sends it: long enough to be received. */
const storyBody = (body: string) => `${body} ${'Filler words about ordinary days. '.repeat(12)}`;

const SQLITE: SearchEngine = {
	name: 'SQLite',
	reset: async () => {},
	search: (query, options) =>
		searchPublished(searchInput(query, options), sqliteStore(temp.database)),
	async index(documents) {
		temp.database.transaction((transaction) => {
			for (const document of documents) indexForSearchSqlite(transaction, document);
		});
	},
	publishCommunityStory: async (title, body) => (await publishCommunityStory(title, body)).path,
};

let postgresStories = 0;
/**
 * The domain does not run on PostgreSQL yet: a story is "published" by indexing the
 * document publishing would index (communitySearchDocument), with the same text.
 */
const POSTGRES: SearchEngine = {
	name: 'PostgreSQL',
	async reset() {
		await postgres.delete(postgresSchema.searchIndex);
		await refreshCuratedSearchPostgres(CURATED, postgres);
	},
	search: (query, options) => searchPublishedPostgres(searchInput(query, options), postgres),
	async index(documents) {
		await postgres.transaction(async (transaction) => {
			for (const document of documents) await indexForSearchPostgres(transaction, document);
		});
	},
	async publishCommunityStory(title, body) {
		const document = communitySearchDocument({
			slug: `shared-pg${++postgresStories}`,
			title,
			body: storyBody(body),
			topics: ['family'],
			publishedAt: new Date(),
		});
		await indexForSearchPostgres(postgres, document);
		return document.path;
	},
};

const search = (query: string, options?: SearchOptions) => SQLITE.search(query, options);
const paths = async (query: string, options?: SearchOptions) =>
	(await search(query, options)).hits.map((hit) => hit.path);

async function publishCommunityStory(title: string, body: string) {
	const { receiptCode } = await receiveStory(
		{
			title,
			body: storyBody(body),
			penName: null,
			topics: ['family'],
			contentWarnings: [],
		},
		sqliteStore(temp.database),
	);
	const row = temp.database.select().from(submissions).where(eq(submissions.title, title)).get()!;
	await decideSubmission(
		row.id,
		moderatorId,
		row.version,
		{ kind: 'publish' },
		sqliteStore(temp.database),
	);
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
		sqliteStore(temp.database),
	);

describe.each([SQLITE, POSTGRES])('searchPublished on $name', (engine) => {
	beforeEach(() => engine.reset());

	const search = (query: string, options?: SearchOptions) => engine.search(query, options);
	const paths = async (query: string, options?: SearchOptions) =>
		(await search(query, options)).hits.map((hit) => hit.path);

	it('ranks a title match above a body match', async () => {
		expect(await paths('craving')).toEqual([
			'/strategies/riding-out-a-craving',
			'/stories/night-shift',
		]);
	});

	it('matches word forms (porter stemming) and prefixes', async () => {
		expect(await paths('cravings')).toContain('/strategies/riding-out-a-craving');
		expect(await paths('meet')).toEqual(['/strategies/first-meeting']);
		// A prefix no word form explains: "wav" is no stem of "wave".
		expect(await paths('breathe wav')).toEqual(['/strategies/riding-out-a-craving']);
		expect(await paths('wav breathe')).toEqual([]);
	});

	it('narrows by kind and topic', async () => {
		expect(await paths('craving', { kind: 'composite' })).toEqual(['/stories/night-shift']);
		expect(await paths('craving', { topic: 'cravings' })).toEqual([
			'/strategies/riding-out-a-craving',
		]);
	});

	it('returns an escaped snippet with the matches marked', async () => {
		await engine.publishCommunityStory(
			'Kitchen notes',
			'I wrote <b>hope</b> & courage on the fridge.',
		);
		const [hit] = (await search('courage')).hits;
		expect(hit!.snippetHtml).toContain('<mark>courage</mark>');
		expect(hit!.snippetHtml).not.toContain('<b>');
	});

	it('escapes the snippet of a story that holds a script tag in its text', async () => {
		await engine.publishCommunityStory(
			'Code notes',
			'My courage note: `<script>alert("x")</script>` & 2 < 3 > 1.',
		);
		const [hit] = (await search('courage')).hits;
		expect(hit!.snippetHtml).toContain('<mark>courage</mark>');
		expect(hit!.snippetHtml).toContain('&amp; 2 &lt; 3 &gt; 1');
		// No markup but the marks: FTS5 keeps the tag as text (escaped), ts_headline leaves it out.
		expect(hit!.snippetHtml.replaceAll(/<\/?mark>/g, '')).not.toMatch(/[<>"]/);
	});

	it('pages through results', async () => {
		for (let i = 0; i < 12; i++)
			await engine.publishCommunityStory(
				`Lantern story ${i}`,
				`The lantern was lit again, night ${i}.`,
			);
		const first = await search('lantern');
		expect(first.total).toBe(12);
		expect(first.hits).toHaveLength(10);
		expect((await search('lantern', { page: 2 })).hits).toHaveLength(2);
	});

	it('reads quotes, operators and backslashes around a word as the word alone', async () => {
		const wordAlone = await search('craving');
		expect(wordAlone.total).toBe(2);
		for (const query of [
			"craving'",
			"'craving'",
			'"craving',
			'craving &',
			'| craving',
			'!craving',
			'craving:*',
			'(craving',
			'craving)',
			'craving\\',
			"\\'craving",
			'<-> craving',
			'craving*',
			'\u0000craving',
		])
			expect(await search(query), query).toEqual(wordAlone);
	});

	it('answers SQL and query syntax with results, never an error', async () => {
		for (const query of [
			"'; DROP TABLE search_index; --",
			"craving')) OR 1=1 --",
			"craving' & 'wave",
			'craving | wave',
			'craving & !wave',
			'craving <-> wave',
			'craving:A & wave:*B',
			"'\\''",
			'$1 $$ $2',
			"\\ \\\\ \\'",
			'((((((((((craving',
			'& | ! : * ( ) < > -',
			'title:craving NEAR(wave) ^craving',
		]) {
			const found = await search(query);
			expect(found, query).toEqual({
				hits: expect.any(Array),
				total: expect.any(Number),
				moreThanCap: false,
			});
			expect(found.hits.length, query).toBeLessThanOrEqual(found.total);
		}
		expect(await paths('craving')).toHaveLength(2);
	});

	describe('a search with more matches than it ranks', () => {
		const DAY_MS = 24 * 60 * 60 * 1000;
		const firstDay = Date.UTC(2024, 0, 1);
		/** A community story about lanterns, published `day` days after the first. */
		const lanternStory = (day: number, title = `Evening ${day}`): SearchDocument => ({
			path: `/stories/shared-lantern-${day}`,
			kind: 'community',
			topics: ['family'],
			title,
			summary: '',
			body: `The lantern on the porch, evening ${day}. ${'Ordinary words about the day. '.repeat(8)}`,
			publishedAt: new Date(firstDay + day * DAY_MS),
		});

		beforeEach(async () => {
			await engine.index([
				// The oldest story would rank first: "lantern" in its title, twice.
				lanternStory(0, 'Lantern, lantern'),
				...Array.from({ length: SEARCH_RESULT_CAP + 5 }, (_, index) => lanternStory(index + 1)),
			]);
		});

		it('counts up to the cap and says there are more', async () => {
			const found = await search('lantern');
			expect(found.total).toBe(SEARCH_RESULT_CAP);
			expect(found.moreThanCap).toBe(true);
			expect(found.hits).toHaveLength(SEARCH_PAGE_SIZE);
		});

		it('answers newest first, not every match ranked: an older piece never shows, however well it matches', async () => {
			const lastPage = SEARCH_RESULT_CAP / SEARCH_PAGE_SIZE;
			const shown = new Set<string>();
			for (const page of [1, 2, lastPage])
				for (const hit of (await search('lantern', { page })).hits) shown.add(hit.path);
			expect(shown.size).toBe(3 * SEARCH_PAGE_SIZE);
			expect((await search('lantern')).hits.map((hit) => hit.path)).toEqual(
				Array.from(
					{ length: SEARCH_PAGE_SIZE },
					(_, index) => lanternStory(SEARCH_RESULT_CAP + 5 - index).path,
				),
			);
			const newest = new Set(
				Array.from(
					{ length: SEARCH_RESULT_CAP },
					(_, index) => lanternStory(SEARCH_RESULT_CAP + 5 - index).path,
				),
			);
			for (const path of shown) expect(newest).toContain(path);
			expect(shown).not.toContain(lanternStory(0).path);
			expect((await search('lantern', { page: lastPage + 1 })).hits).toEqual([]);
		});

		it('finds the newest matches however many newer pieces do not match', async () => {
			// As many newer stories without the word as there are with it: the newest pieces
			// of the library hold none of the matches.
			await engine.index(
				Array.from({ length: SEARCH_RESULT_CAP + 6 }, (_, index) => ({
					...lanternStory(SEARCH_RESULT_CAP + 6 + index),
					path: `/stories/shared-candle-${index}`,
					body: 'A candle in the window, and ordinary words about the day.',
				})),
			);
			const newestLanterns = (page: number) =>
				Array.from(
					{ length: SEARCH_PAGE_SIZE },
					(_, index) =>
						lanternStory(SEARCH_RESULT_CAP + 5 - (page - 1) * SEARCH_PAGE_SIZE - index).path,
				);
			const lastPage = SEARCH_RESULT_CAP / SEARCH_PAGE_SIZE;
			for (const page of [1, 2, lastPage]) {
				const found = await search('lantern', { page });
				expect(found).toMatchObject({ total: SEARCH_RESULT_CAP, moreThanCap: true });
				expect(found.hits.map((hit) => hit.path)).toEqual(newestLanterns(page));
			}
		});
	});
});

describe('the PostgreSQL index', () => {
	beforeEach(() => POSTGRES.reset());

	const paths = async (query: string) => (await POSTGRES.search(query)).hits.map((hit) => hit.path);
	/** Every row's path and the transaction that last wrote it (a row written again gets a new one). */
	const rowVersions = async () =>
		(
			await postgres.execute<{ path: string; writtenBy: string }>(
				sql`SELECT path, xmin::text AS "writtenBy" FROM search_index ORDER BY path`,
			)
		).rows;

	it('replaces a piece indexed again and forgets a removed one', async () => {
		const path = await POSTGRES.publishCommunityStory(
			'Orchard walk',
			'We walked through the orchard at dawn.',
		);
		await indexForSearchPostgres(
			postgres,
			communitySearchDocument({
				slug: path.replace('/stories/', ''),
				title: 'Morning walk',
				body: storyBody('We walked by the river at dawn.'),
				topics: ['family'],
				publishedAt: new Date(),
			}),
		);
		expect(await paths('orchard')).toEqual([]);
		expect(await paths('river')).toEqual([path]);
		await removeFromSearchPostgres(postgres, path);
		expect(await paths('river')).toEqual([]);
	});

	it('writes only the curated pieces added, changed or removed, and keeps community stories', async () => {
		const community = await POSTGRES.publishCommunityStory(
			'Willow bench',
			'The willow bench by the pond.',
		);
		const before = await rowVersions();
		await refreshCuratedSearchPostgres(CURATED, postgres);
		expect(await rowVersions()).toEqual(before);

		await refreshCuratedSearchPostgres(
			[{ ...CURATED[0]!, title: 'Riding out a strong craving' }, ...CURATED.slice(1)],
			postgres,
		);
		const written = (await rowVersions()).filter(
			(row) => !before.some((old) => old.path === row.path && old.writtenBy === row.writtenBy),
		);
		expect(written.map((row) => row.path)).toEqual([CURATED[0]!.path]);
		expect((await POSTGRES.search('strong')).hits.map((hit) => hit.title)).toEqual([
			'Riding out a strong craving',
		]);

		await refreshCuratedSearchPostgres(CURATED.slice(1), postgres);
		expect(await paths('craving')).toEqual(['/stories/night-shift']);
		expect(await paths('willow')).toEqual([community]);
	});

	it('reads a rare word through the GIN index, and a page past the cap newest first through search_index_newest_idx', async () => {
		// 5,000 stories of a story's size, every one with "lantern", one in 500 with "harbour"
		// (the rest is words of hex digits, each story's own); then statistics.
		await postgres.execute(sql`
			INSERT INTO search_index (path, kind, topics, title, summary, body, published_at)
			SELECT '/stories/shared-plan-' || n, 'community', ARRAY['family'], 'Evening ' || n, '',
				'The lantern on the porch, evening ' || n
					|| CASE WHEN n % 500 = 0 THEN ', by the harbour. ' ELSE '. ' END
					|| (SELECT string_agg(md5(n || '-' || word), ' ') FROM generate_series(1, 40) AS word),
				1700000000 + n * 60
			FROM generate_series(1, 5000) AS n`);
		await postgres.execute(sql`ANALYZE search_index`);
		const sent: { query: string; params: unknown[] }[] = [];
		const logged = drizzle({
			client: postgresPool,
			schema: postgresSchema,
			logger: { logQuery: (query, params) => sent.push({ query, params }) },
		});
		const plansOf = async (query: string, page = 1) => {
			sent.length = 0;
			await searchPublishedPostgres({ query, page }, logged);
			return Promise.all(
				sent.map(async (statement) => {
					const client = await postgresPool.connect();
					try {
						// search_index is split into 32 partitions (migration 0006): here 156 rows each,
						// which the planner rightly reads whole. At 100,000 stories (3,125 a partition) it
						// takes each partition's GIN index by itself; here it is told to.
						await client.query('BEGIN');
						await client.query('SET LOCAL enable_seqscan = off');
						const { rows } = await client.query<{ 'QUERY PLAN': string }>(
							`EXPLAIN ${statement.query}`,
							statement.params,
						);
						return rows.map((row) => row['QUERY PLAN']).join('\n');
					} finally {
						await client.query('ROLLBACK');
						client.release();
					}
				}),
			);
		};

		const rare = await plansOf('harbour');
		expect(rare).toHaveLength(2);
		for (const plan of rare) {
			expect(plan).toMatch(/search_index_\d\d_document_idx/);
			expect(plan).not.toContain('Seq Scan');
		}
		// The count of a word in every story stops at the cap + 1, however it reads them.
		const [count, page, ...rest] = await plansOf('lantern', 3);
		expect(rest).toEqual([]);
		expect(count).toMatch(/Limit/);
		// One backward index scan per partition, merged in order (Merge Append's "Sort Key"): no sort.
		expect(page).toMatch(/Index Scan Backward using search_index_\d\d_published_at_path_idx/);
		expect(page).not.toMatch(/(^|->)\s*Sort\s+\(/m);
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
			sqliteStore(temp.database),
		);
		expect(await paths('harbour')).toEqual([]);
		await decideSubmission(
			row.id,
			moderatorId,
			row.version + 1,
			{ kind: 'restore' },
			sqliteStore(temp.database),
		);
		expect(await paths('harbour')).toEqual([path]);
		await withdrawStory(receiptCode, sqliteStore(temp.database));
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
			await reportStory(row.slug!, 'spam', null, reader, sqliteStore(temp.database), 3);
		expect(await paths('station')).toEqual([]);
	});

	it('refreshes curated pieces at start and keeps every published community story', async () => {
		const { path } = await publishCommunityStory('Willow bench', 'The willow bench by the pond.');
		await refreshCuratedSearch(CURATED.slice(1), sqliteStore(temp.database));
		expect(await paths('willow')).toEqual([path]);
		expect(await paths('craving')).toEqual(['/stories/night-shift']);
	});

	it('puts back every published community story when the index is made again (data step)', async () => {
		const { path } = await publishCommunityStory('Willow bench', 'The willow bench by the pond.');
		temp.database.run(sql`DELETE FROM search_index WHERE kind = 'community'`);
		temp.database.run(sql`DELETE FROM search_rows WHERE kind = 'community'`);
		temp.database.run(sql`DELETE FROM __data_steps WHERE name = ${reindexCommunitySearch.name}`);
		runDataSteps(temp.database, [reindexCommunitySearch], 1);
		expect(await paths('willow')).toEqual([path]);
	});

	it('writes nothing at start when the curated pieces are as indexed', async () => {
		const changes = () =>
			temp.database.all<{ changes: number }>(sql`SELECT total_changes() AS changes`)[0]!.changes;
		const before = changes();
		await refreshCuratedSearch(CURATED, sqliteStore(temp.database));
		expect(changes()).toBe(before);
		await refreshCuratedSearch(
			[{ ...CURATED[0]!, title: 'Riding out a strong craving' }, ...CURATED.slice(1)],
			sqliteStore(temp.database),
		);
		expect(changes()).toBeGreaterThan(before);
		expect((await search('strong')).hits.map((hit) => hit.title)).toEqual([
			'Riding out a strong craving',
		]);
	});

	it('refreshes the curated part at start without refilling community stories', async () => {
		// An index that lacks a published story: the old start-up counted the index against
		// the published stories (reading both) and refilled every community row.
		const { path } = await publishCommunityStory('Willow bench', 'The willow bench by the pond.');
		temp.database.run(sql`DELETE FROM search_index WHERE path = ${path}`);
		await refreshCuratedSearch(CURATED, sqliteStore(temp.database));
		expect(await paths('willow')).toEqual([]);
		expect(await paths('craving')).toHaveLength(2);
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
			sqliteStore(temp.database),
		);
		expectMoved();
		await decideSubmission(
			row.id,
			moderatorId,
			version(),
			{ kind: 'restore' },
			sqliteStore(temp.database),
		);
		expectMoved();
		for (const reader of ['a', 'b', 'c'])
			await reportStory(row.slug!, 'spam', null, reader, sqliteStore(temp.database), 3);
		expectMoved();
		await withdrawStory(receiptCode, sqliteStore(temp.database));
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
			sqliteStore(temp.database),
		);
		expect(generationOf('/stories')).toBe(before);
	});
});

describe('a database indexed before migration 0021', () => {
	it('finds every published community story once after migrating, by its new row', async () => {
		const folder = createTempFolder();
		try {
			const oldMigrations = join(folder, 'old-migrations');
			mkdirSync(join(oldMigrations, 'meta'), { recursive: true });
			const journal = JSON.parse(
				readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'),
			) as { entries: { tag: string }[] };
			journal.entries = journal.entries.filter((entry) => entry.tag < '0021_search_recency_rowids');
			writeFileSync(join(oldMigrations, 'meta/_journal.json'), JSON.stringify(journal));
			for (const file of readdirSync(MIGRATIONS_FOLDER).filter((name) => name.endsWith('.sql')))
				copyFileSync(join(MIGRATIONS_FOLDER, file), join(oldMigrations, file));
			const database = openDatabase(join(folder, 'old.db'));
			// As a server before this change left it: migrated, without today's data steps.
			migrateDatabase(database, oldMigrations, []);
			const publishedAt = Math.floor(Date.parse('2025-05-01T00:00:00Z') / 1000);
			database.$client.exec(`
				INSERT INTO submissions (id, slug, title, body, body_html, topics, status, created_day, published_at)
				VALUES ('s1', 'shared-willowbn', 'Willow bench', 'The willow bench by the pond.', '<p>x</p>', '["family"]', 'approved', '2025-05-01', ${publishedAt});
				INSERT INTO search_index (rowid, path, kind, topics, title, summary, body)
				VALUES (12345, '/stories/shared-willowbn', 'community', ' family ', 'Willow bench', '', 'The willow bench by the pond.');`);
			migrateDatabase(database);
			const found = await searchPublished({ query: 'willow', page: 1 }, sqliteStore(database));
			expect(found.hits.map((hit) => hit.path)).toEqual(['/stories/shared-willowbn']);
			expect(database.all(sql`SELECT path FROM search_rows`)).toEqual([
				{ path: '/stories/shared-willowbn' },
			]);
			database.$client.close();
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
