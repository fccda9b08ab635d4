import { readMigrationFiles } from 'drizzle-orm/migrator';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migratePostgres, POSTGRES_MIGRATIONS_FOLDER } from '../../db/migrate-postgres.ts';
import { usePostgresCluster } from '../helpers/postgres-cluster.ts';

const postgres = usePostgresCluster();
const pools: pg.Pool[] = [];
afterAll(async () => {
	await Promise.all(pools.map((pool) => pool.end()));
});

function poolFor(url: string): pg.Pool {
	const pool = new pg.Pool({ connectionString: url, max: 2 });
	// The cluster's shutdown ends a connection still closing: expected.
	pool.on('error', () => {});
	pools.push(pool);
	return pool;
}

const migrated = async () => poolFor(await postgres.cluster.createMigratedDatabase());

/** A waiting story's row, in SQL: what the domain writes, as far as these tests need. */
async function insertStory(pool: pg.Pool, id: string, slug: string | null = null) {
	await pool.query(
		`INSERT INTO submissions (id, slug, title, body, body_html, created_day)
		VALUES ($1, $2, 'A title', 'A body', '<p>A body</p>', '2026-12-01')`,
		[id, slug],
	);
}

async function marked(pool: pg.Pool): Promise<string[]> {
	const { rows } = await pool.query<{ relation: string }>(
		'SELECT relation FROM pending_rewrites ORDER BY relation',
	);
	return rows.map((row) => row.relation);
}

describe('the text tables split into partitions on PostgreSQL (migration 0006)', () => {
	it('keep a slug unique across the partitions, and free it when its story lets it go', async () => {
		const pool = await migrated();
		// Ids that hash to different partitions, so only submission_slugs can tell the two apart.
		const ids = ['story-a', 'story-b', 'story-c', 'story-d'];
		for (const id of ids) await insertStory(pool, id);
		const { rows } = await pool.query<{ partition: string }>(
			'SELECT DISTINCT tableoid::regclass::text AS partition FROM submissions',
		);
		expect(rows.length).toBeGreaterThan(1);

		await pool.query(`UPDATE submissions SET slug = 'shared-same' WHERE id = 'story-a'`);
		await expect(
			pool.query(`UPDATE submissions SET slug = 'shared-same' WHERE id = 'story-b'`),
		).rejects.toMatchObject({ code: '23505', constraint: 'submission_slugs_pkey' });
		await expect(insertStory(pool, 'story-e', 'shared-same')).rejects.toMatchObject({
			code: '23505',
		});

		await pool.query(`UPDATE submissions SET slug = 'shared-other' WHERE id = 'story-a'`);
		await pool.query(`UPDATE submissions SET slug = 'shared-same' WHERE id = 'story-b'`);
		await pool.query(`DELETE FROM submissions WHERE id = 'story-a'`);
		await insertStory(pool, 'story-f', 'shared-other');
		const slugs = await pool.query('SELECT slug FROM submission_slugs ORDER BY slug');
		expect(slugs.rows).toEqual([{ slug: 'shared-other' }, { slug: 'shared-same' }]);
	});

	it('mark the partition whose text was replaced or removed, and none for a claim, a status or a first note', async () => {
		const pool = await migrated();
		await insertStory(pool, 'story-a', 'shared-a');
		await pool.query(
			`INSERT INTO moderators (id, username, password_hash, created_at) VALUES ('m', 'sam', 'x', 0)`,
		);
		const partition = (
			await pool.query<{ partition: string }>(
				`SELECT tableoid::regclass::text AS partition FROM submissions WHERE id = 'story-a'`,
			)
		).rows[0]!.partition;

		await pool.query(
			`UPDATE submissions SET claimed_by = 'm', status = 'rejected', decision_note = 'A note', version = 2
			WHERE id = 'story-a'`,
		);
		expect(await marked(pool)).toEqual([]);

		await pool.query(`UPDATE submissions SET body = '' WHERE id = 'story-a'`);
		expect(await marked(pool)).toEqual([partition]);
		expect(partition).toMatch(/^submissions_\d\d$/);

		await pool.query(
			`INSERT INTO search_index (path, kind, topics, title, summary, body, published_at)
			VALUES ('/stories/shared-a', 'community', '{}', 'A title', '', 'A body', 0)`,
		);
		await pool.query(`DELETE FROM search_index WHERE path = '/stories/shared-a'`);
		const after = await marked(pool);
		expect(after).toHaveLength(2);
		expect(after).toEqual(
			expect.arrayContaining([partition, expect.stringMatching(/^search_index_\d\d$/)]),
		);
	});

	it('keep no planner statistics of a column that holds text, or of a receipt’s hash', async () => {
		const pool = await migrated();
		for (let index = 0; index < 50; index += 1) {
			await insertStory(pool, `story-${index}`, `shared-${index}`);
			await pool.query(
				'INSERT INTO submission_receipts (receipt_hash, submission_id) VALUES ($1, $2)',
				[`receipt-hash-${index}`, `story-${index}`],
			);
			await pool.query(
				`INSERT INTO search_index (path, kind, topics, title, summary, body, published_at)
				VALUES ($1, 'community', '{}', 'Evening walks', 'By the river', 'Evening walks by the river', 0)`,
				[`/stories/shared-${index}`],
			);
		}
		await pool.query('ANALYZE');
		const { rows } = await pool.query<{ attname: string }>(
			`SELECT DISTINCT attname FROM pg_stats
			WHERE tablename ~ '^(submissions|search_index|community_listings|submission_receipts)(_\\d\\d)?$'
			ORDER BY attname`,
		);
		const kept = rows.map((row) => row.attname);
		expect(kept).toContain('status');
		expect(kept).toContain('submission_id');
		// A withdrawal removes the receipt: its hash must not stay behind as a histogram bound.
		for (const text of [
			'title',
			'body',
			'body_html',
			'pen_name',
			'summary',
			'document',
			'receipt_hash',
		]) {
			expect(kept, text).not.toContain(text);
		}
	});

	it('keep every row, key and count of a database made before the split', async () => {
		// The migrations up to 0005 alone: a database as it was before 0006.
		const earlier = mkdtempSync(join(tmpdir(), 'migrations-pg-'));
		try {
			cpSync(POSTGRES_MIGRATIONS_FOLDER, earlier, { recursive: true });
			const journalPath = join(earlier, 'meta', '_journal.json');
			const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
				entries: { idx: number }[];
			};
			journal.entries = journal.entries.filter((entry) => entry.idx <= 5);
			writeFileSync(journalPath, JSON.stringify(journal));
			const url = await postgres.cluster.createDatabase();
			await migratePostgres(url, earlier);
			const pool = poolFor(url);
			await insertStory(pool, 'story-a', 'shared-a');
			await pool.query(
				`INSERT INTO community_listings (slug, title, summary, reading_minutes, topics, content_warnings, published_at)
				VALUES ('shared-a', 'A title', 'A summary', 2, '["alcohol"]', '[]', 100)`,
			);
			await pool.query(
				`INSERT INTO search_index (path, kind, topics, title, summary, body, published_at)
				VALUES ('/stories/shared-a', 'community', '{alcohol}', 'A title', 'A summary', 'A body', 100)`,
			);
			await pool.query(
				`INSERT INTO reports (id, submission_id, reason, note, created_at) VALUES (1, 'story-a', 'other', 'A note', 0)`,
			);
			const counts = `SELECT topic, milestone, count FROM community_listing_counts ORDER BY topic, milestone`;
			const countsBefore = (await pool.query(counts)).rows;

			// 0006 and every migration after it.
			const all = readMigrationFiles({ migrationsFolder: POSTGRES_MIGRATIONS_FOLDER }).length;
			expect(await migratePostgres(url)).toBe(all - 6);

			expect((await pool.query(`SELECT id, slug, title FROM submissions`)).rows).toEqual([
				{ id: 'story-a', slug: 'shared-a', title: 'A title' },
			]);
			expect((await pool.query(`SELECT slug FROM submission_slugs`)).rows).toEqual([
				{ slug: 'shared-a' },
			]);
			const found = await pool.query(
				`SELECT path FROM search_index WHERE document @@ websearch_to_tsquery('library_search', 'body')`,
			);
			expect(found.rows).toEqual([{ path: '/stories/shared-a' }]);
			expect((await pool.query(counts)).rows).toEqual(countsBefore);
			// The keys into submissions hold again, and the listing triggers count again.
			await expect(
				pool.query(
					`INSERT INTO reports (id, submission_id, reason, created_at) VALUES (2, 'no-such-story', 'other', 0)`,
				),
			).rejects.toMatchObject({ code: '23503' });
			await pool.query(`DELETE FROM community_listings WHERE slug = 'shared-a'`);
			const countsAfter = await pool.query(
				`SELECT count FROM community_listing_counts WHERE topic = ''`,
			);
			expect(countsAfter.rows.every((row: { count: number }) => row.count === 0)).toBe(true);
			await pool.query(`DELETE FROM submissions WHERE id = 'story-a'`);
			expect((await pool.query('SELECT count(*)::int AS n FROM reports')).rows).toEqual([{ n: 0 }]);
		} finally {
			rmSync(earlier, { recursive: true, force: true });
		}
	});
});
