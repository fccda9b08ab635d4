import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { openPostgresStore, sqliteStore, type Store } from '../../db/store.ts';
import { getAppSecret } from '../../src/lib/server/app-secrets.ts';
import { useTestStores } from '../helpers/stores.ts';

const testStores = useTestStores();

/** Two stores on one fresh database of `engine`, as two server processes would hold. */
async function twoProcesses(engine: Store['engine']): Promise<[Store, Store]> {
	if (engine === 'sqlite') {
		const temp = testStores.tempDatabase();
		return [
			testStores.closeAfterTest(sqliteStore(temp.database)),
			testStores.closeAfterTest(sqliteStore(openDatabase(temp.path))),
		];
	}
	const url = await testStores.cluster.createMigratedDatabase();
	return [
		testStores.closeAfterTest(openPostgresStore(url, { maxConnections: 2 })),
		testStores.closeAfterTest(openPostgresStore(url, { maxConnections: 2 })),
	];
}

describe.each(['sqlite', 'postgres'] as const)('getAppSecret on %s', (engine) => {
	it('makes a 256-bit secret once and gives the same one every time', async () => {
		const store = await testStores.freshStore(engine);
		const secret = await getAppSecret('form-token', store);
		expect(secret).toHaveLength(32);
		expect(await getAppSecret('form-token', store)).toEqual(secret);
		expect(await getAppSecret('another-purpose', store)).not.toEqual(secret);
	});

	it('gives every process on one database the same secret, even asked at once', async () => {
		const [first, second] = await twoProcesses(engine);
		const [a, b] = await Promise.all([
			getAppSecret('form-token', first),
			getAppSecret('form-token', second),
		]);
		expect(a).toEqual(b);
	});

	it('keeps the secrets of different databases apart in one process', async () => {
		const [one, other] = [await testStores.freshStore(engine), await testStores.freshStore(engine)];
		expect(await getAppSecret('form-token', one)).not.toEqual(
			await getAppSecret('form-token', other),
		);
	});
});
