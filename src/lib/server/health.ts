import { randomBytes } from 'node:crypto';
import { getStore, type Store } from '../../../db/store.ts';

/** The `site_settings` row the write probe rewrites; it holds nothing but a random nonce. */
const WRITE_PROBE_SETTING = 'health-write-probe';

/** True when a real read of the submissions table succeeds. */
export async function isDatabaseReadable(store: Store = getStore()): Promise<boolean> {
	try {
		await store.read(({ query, tables: { submissions } }) =>
			query.select({ id: submissions.id }).from(submissions).limit(1),
		);
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
export async function isDatabaseWritable(store: Store = getStore()): Promise<boolean> {
	const value = randomBytes(8).toString('hex');
	try {
		await store.transact(({ query, tables: { siteSettings } }) =>
			query
				.insert(siteSettings)
				.values({ name: WRITE_PROBE_SETTING, value })
				.onConflictDoUpdate({ target: siteSettings.name, set: { value } }),
		);
		return true;
	} catch (error) {
		// The driver's message only: drizzle's own would repeat the query.
		const cause = (error as { cause?: Error }).cause ?? (error as Error);
		console.error(`Database write check failed: ${cause.message}`);
		return false;
	}
}
