import { count, isNull } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../db/client.ts';
import { moderators } from '../../../db/schema.ts';

/** How many moderators can sign in (disabled accounts excluded). */
export async function countActiveModerators(database: Database = getDatabase()): Promise<number> {
	const [row] = database
		.select({ total: count() })
		.from(moderators)
		.where(isNull(moderators.disabledAt))
		.all();
	return row?.total ?? 0;
}
