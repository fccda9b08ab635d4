import { sql } from 'drizzle-orm';
import { postgresOf, selectRows, type Store } from '../../../db/store.ts';
import { eraseFromDisk } from './erasure.ts';

/**
 * Privacy: no record of when a writer or reader acted, beyond the day (SECURITY.md, "What is
 * stored"). On PostgreSQL every row version carries `xmin`, the id of the transaction that
 * wrote it, in the order transactions began: a story's xmin between two moderator events,
 * whose times the audit trail keeps on purpose, bounds the time of day it arrived. SQLite
 * has nothing alike once rowids are random (migration 0012).
 *
 * So each night every row that writers and readers can have written since the last night is
 * written again, all in one transaction, and so carries that transaction's id: within the
 * day, the order is gone. The old versions keep the old ids until their partitions are
 * rewritten, so each is marked for the rewrite erasures use (erasure-postgres.ts).
 */

/**
 * The tables a writer's or reader's action writes, and a column each that can be set to
 * itself. moderation_events only for the events of writers, readers and the system: a
 * moderator's event keeps its order, as it keeps its time.
 */
const WRITTEN_BY_WRITERS_AND_READERS = [
	['submissions', 'version', sql`true`],
	['submission_receipts', 'submission_id', sql`true`],
	['reports', 'reason', sql`true`],
	['reaction_counts', 'count', sql`true`],
	['page_generations', 'generation', sql`true`],
	['community_listing_counts', 'count', sql`true`],
	['daily_marks', 'mark', sql`true`],
	['rate_limit_windows', 'count', sql`true`],
	['moderation_events', 'action', sql`moderator_id IS NULL`],
] as const;

/**
 * Small tables rewritten every night whatever changed: rows deleted in them (a day's marks,
 * an hour's windows, a listing's topics, a rewrite's own mark) leave versions that carry
 * the id of the transaction that deleted them.
 */
const REWRITTEN_EVERY_NIGHT = [
	'reports',
	'reaction_counts',
	'page_generations',
	'community_listing_counts',
	'community_listing_topics',
	'daily_marks',
	'rate_limit_windows',
	'pending_rewrites',
	'moderation_events',
];

/** Where the oldest transaction still running at the last night's rewrite is kept. */
const LAST_NIGHT = 'arrival-order-forgotten-from';

/**
 * Writes again every row written since the last night (on PostgreSQL; SQLite needs nothing)
 * and has the old versions rewritten away. Returns how many rows it wrote. Each server calls
 * it at midnight (retention.ts); when two do, the second finds nothing new.
 */
export async function forgetArrivalOrder(store: Store): Promise<number> {
	if (store.engine !== 'postgres') return 0;
	const written = await store.transact(async (scope) => {
		const [last] = await selectRows<{ value: string }>(
			scope,
			sql`SELECT value FROM site_settings WHERE name = ${LAST_NIGHT}`,
		);
		// A transaction still running now may commit after this one: its rows count as new
		// next night, as does everything this one has not seen. Frozen rows are centuries old.
		const since = last ? sql`age(xmin) < age(${last.value}::xid)` : sql`true`;
		// The audit trail's guard lets this transaction write its rows again, unchanged (0006).
		await postgresOf(scope).execute(
			sql`SELECT set_config('common_thread.rewriting_arrival_order', 'on', true)`,
		);
		let count = 0;
		for (const [table, column, which] of WRITTEN_BY_WRITERS_AND_READERS) {
			const [row] = await selectRows<{ rows: number }>(
				scope,
				sql`WITH written AS (
					UPDATE ${sql.identifier(table)} SET ${sql.identifier(column)} = ${sql.identifier(column)}
					WHERE ${since} AND ${which} RETURNING tableoid::regclass::text AS relation
				), marked AS (
					INSERT INTO pending_rewrites (relation) SELECT DISTINCT relation FROM written
					ON CONFLICT (relation) DO UPDATE SET generation = pending_rewrites.generation + 1
				)
				SELECT count(*)::int AS rows FROM written`,
			);
			count += row!.rows;
		}
		await postgresOf(scope).execute(sql`
			INSERT INTO pending_rewrites (relation)
			VALUES ${sql.join(
				REWRITTEN_EVERY_NIGHT.map((table) => sql`(${table})`),
				sql`, `,
			)}
			ON CONFLICT (relation) DO UPDATE SET generation = pending_rewrites.generation + 1`);
		await postgresOf(scope).execute(sql`
			INSERT INTO site_settings (name, value)
			VALUES (${LAST_NIGHT}, pg_snapshot_xmin(pg_current_snapshot())::xid::text)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`);
		return count;
	});
	await eraseFromDisk(store);
	return written;
}
