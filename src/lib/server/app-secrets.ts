import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../db/client.ts';
import { appSecrets } from '../../../db/schema.ts';

const cache = new Map<string, Buffer>();

/**
 * A 256-bit secret the site generated for itself, shared by every process on the same
 * database (so a form issued by one server process verifies on another). Created on
 * first use; the first writer wins a race.
 */
export async function getAppSecret(
	name: string,
	database: Database = getDatabase(),
): Promise<Buffer> {
	const cached = cache.get(`${database.$client.name}:${name}`);
	if (cached) return cached;
	database
		.insert(appSecrets)
		.values({ name, value: randomBytes(32).toString('base64') })
		.onConflictDoNothing()
		.run();
	const row = database.select().from(appSecrets).where(eq(appSecrets.name, name)).get()!;
	const secret = Buffer.from(row.value, 'base64');
	cache.set(`${database.$client.name}:${name}`, secret);
	return secret;
}
