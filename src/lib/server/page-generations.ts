import { eq, inArray, sql } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { pageGenerations } from '../../../db/schema.ts';

/** The scope whose counter moves when anything in the public library changes. */
export const WHOLE_LIBRARY = '*';

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

/**
 * A reader of the generation a page was rendered at: the sum of the library's counter
 * and the page's own. Counters only grow, so the sum changes whenever either does.
 */
export function pageGenerationReader(database: Database = getDatabase()) {
	const statement = database
		.select({ generation: sql<number>`coalesce(sum(${pageGenerations.generation}), 0)` })
		.from(pageGenerations)
		.where(inArray(pageGenerations.scope, [WHOLE_LIBRARY, sql.placeholder('path')]))
		.prepare();
	return (path: string): number => statement.get({ path })!.generation;
}

/** The library's own generation: moves with every publish, edit, unpublish and withdrawal. */
export function readLibraryGeneration(database: Database = getDatabase()): number {
	const row = database
		.select({ generation: pageGenerations.generation })
		.from(pageGenerations)
		.where(eq(pageGenerations.scope, WHOLE_LIBRARY))
		.get();
	return row?.generation ?? 0;
}
