import { count, eq, sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { selectRows, type Store } from '../../db/store.ts';
import { openServerStore } from './server.ts';

/**
 * What tests read and write behind a test server's back, on either engine: queries go
 * through a store (awaited, never SQLite's `.get()`, `.all()`, `.run()`), on the tables
 * its scope hands over.
 */

/** A store on the shared test server's database (server-setup.ts); close it after the file. */
export function openSharedServerStore(): Store {
	return openServerStore({
		databasePath: inject('databasePath'),
		databaseUrl: inject('databaseUrl'),
	});
}

/** The stored row of the story with this title or id, if there is one. */
export async function storedSubmission(store: Store, where: { title: string } | { id: string }) {
	const [row] = await store.read(({ query, tables: { submissions } }) =>
		query
			.select()
			.from(submissions)
			.where('id' in where ? eq(submissions.id, where.id) : eq(submissions.title, where.title)),
	);
	return row;
}

/** The audit events of one story or of one moderator, in the order they were appended. */
export function storedAuditEvents(
	store: Store,
	of: { submissionId: string } | { moderatorId: string },
) {
	return store.read(({ query, tables: { moderationEvents } }) =>
		query
			.select()
			.from(moderationEvents)
			.where(
				'submissionId' in of
					? eq(moderationEvents.submissionId, of.submissionId)
					: eq(moderationEvents.moderatorId, of.moderatorId),
			)
			.orderBy(moderationEvents.id),
	);
}

/** How many stories are stored, in any state. */
export async function storedStoryCount(store: Store): Promise<number> {
	const [row] = await store.read(({ query, tables: { submissions } }) =>
		query.select({ total: count() }).from(submissions),
	);
	return row!.total;
}

export interface StoredCell {
	table: string;
	column: string;
	value: unknown;
}

/**
 * Every value of every column of every table, as someone holding a copy of the database
 * would read it. On SQLite hidden rowids too, as the column "(rowid)"; on PostgreSQL each
 * row as row_to_json gives it (bigints as numbers), JSON columns as their text, as SQLite
 * stores them.
 */
export function everyStoredCell(store: Store): Promise<StoredCell[]> {
	return store.read(async (scope) => {
		const tables = await selectRows<{ name: string }>(
			scope,
			scope.engine === 'sqlite'
				? sql`SELECT name FROM sqlite_master WHERE type = 'table'`
				: sql`SELECT table_name AS name FROM information_schema.tables
						WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
		);
		const cells: StoredCell[] = [];
		for (const { name } of tables) {
			const table = sql.identifier(name);
			let rows: Record<string, unknown>[];
			if (scope.engine === 'postgres') {
				const json = await selectRows<{ row: Record<string, unknown> }>(
					scope,
					sql`SELECT row_to_json(t) AS row FROM ${table} t`,
				);
				// jsonb comes back parsed: as text again, as SQLite holds it.
				const asText = (value: unknown) =>
					value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
				rows = json.map(({ row }) =>
					Object.fromEntries(Object.entries(row).map(([column, value]) => [column, asText(value)])),
				);
			} else {
				try {
					rows = await selectRows(scope, sql`SELECT rowid AS "(rowid)", * FROM ${table}`);
				} catch {
					// A table without rowids (WITHOUT ROWID, some virtual tables).
					rows = await selectRows(scope, sql`SELECT * FROM ${table}`);
				}
			}
			for (const row of rows)
				for (const [column, value] of Object.entries(row))
					cells.push({ table: name, column, value });
		}
		return cells;
	});
}
