import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getStore, type Store } from '../../../db/store.ts';

/** Per store, as each store is one database: tests open many in one process. */
const cache = new WeakMap<Store, Map<string, Buffer>>();

/**
 * A 256-bit secret the site generated for itself, shared by every process on the same
 * database (so a form issued by one server process verifies on another). Created on
 * first use; the first writer wins a race.
 */
export async function getAppSecret(name: string, store: Store = getStore()): Promise<Buffer> {
	let secrets = cache.get(store);
	if (!secrets) {
		secrets = new Map();
		cache.set(store, secrets);
	}
	const cached = secrets.get(name);
	if (cached) return cached;
	const value = await store.transact(async ({ query, tables: { appSecrets } }) => {
		await query
			.insert(appSecrets)
			.values({ name, value: randomBytes(32).toString('base64') })
			.onConflictDoNothing();
		// Whichever insert won: ours, or another process's that ours gave way to.
		const [row] = await query.select().from(appSecrets).where(eq(appSecrets.name, name)).limit(1);
		return row!.value;
	});
	const secret = Buffer.from(value, 'base64');
	secrets.set(name, secret);
	return secret;
}
