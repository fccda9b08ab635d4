import { submissions } from '../../../db/schema.ts';
import { getDatabase, type Database } from '../../../db/client.ts';

/** True when a real read of the submissions table succeeds. */
export async function isDatabaseReadable(database: Database = getDatabase()): Promise<boolean> {
	try {
		database.select({ id: submissions.id }).from(submissions).limit(1).all();
		return true;
	} catch (error) {
		console.error(`Database check failed: ${(error as Error).message}`);
		return false;
	}
}
