import { inArray, sql } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { pageGenerations } from '../../../db/schema.ts';

/** The scope whose counter moves when anything in the public library changes. */
const WHOLE_LIBRARY = '*';

/**
 * Tells every server process that cached pages in `scope` are out of date. Call it in the
 * same transaction as the change, so no process can see the change without the new count.
 */
export function markPagesChanged(queryable: Queryable, scope: string = WHOLE_LIBRARY): void {
	queryable
		.insert(pageGenerations)
		.values({ scope, generation: 1 })
		.onConflictDoUpdate({
			target: pageGenerations.scope,
			set: { generation: sql`${pageGenerations.generation} + 1` },
		})
		.run();
}

const readers = new WeakMap<Database, (path: string) => number>();

/**
 * A reader of the generation a page was rendered at: the sum of the library's counter
 * and the page's own. Counters only grow, so the sum changes whenever either does.
 * One prepared statement per database handle: every cacheable request calls it.
 */
export function pageGenerationReader(database: Database = getDatabase()) {
	let reader = readers.get(database);
	if (!reader) {
		const statement = database
			.select({ generation: sql<number>`coalesce(sum(${pageGenerations.generation}), 0)` })
			.from(pageGenerations)
			.where(inArray(pageGenerations.scope, [WHOLE_LIBRARY, sql.placeholder('path')]))
			.prepare();
		reader = (path: string): number => statement.get({ path })!.generation;
		readers.set(database, reader);
	}
	return reader;
}

/** The library's own generation: moves with every publish, edit, unpublish and withdrawal. */
export function readLibraryGeneration(database: Database = getDatabase()): number {
	return pageGenerationReader(database)(WHOLE_LIBRARY);
}
