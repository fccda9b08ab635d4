import { randomBytes } from 'node:crypto';
import { siteSettings, submissions } from '../../../db/schema.ts';
import { getDatabase, type Database } from '../../../db/client.ts';

/** The `site_settings` row the write probe rewrites; it holds nothing but a random nonce. */
const WRITE_PROBE_SETTING = 'health-write-probe';

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

/**
 * True when a real write commits: one `site_settings` row gets a new random value each
 * time. A changed value matters: SQLite skips writing a page whose bytes stay the same,
 * so only a new value makes the commit reach the write-ahead log on disk (and its fsync),
 * which is what fails when the disk is full or the file system has gone read-only.
 */
export async function isDatabaseWritable(database: Database = getDatabase()): Promise<boolean> {
	const value = randomBytes(8).toString('hex');
	try {
		database
			.insert(siteSettings)
			.values({ name: WRITE_PROBE_SETTING, value })
			.onConflictDoUpdate({ target: siteSettings.name, set: { value } })
			.run();
		return true;
	} catch (error) {
		// The driver's message only: drizzle's own would repeat the query.
		const cause = (error as { cause?: Error }).cause ?? (error as Error);
		console.error(`Database write check failed: ${cause.message}`);
		return false;
	}
}
