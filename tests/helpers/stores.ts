import { afterEach } from 'vitest';
import { openPostgresStore, sqliteStore, type Store } from '../../db/store.ts';
import { usePostgresCluster } from './postgres-cluster.ts';
import { createTempDatabase, type TempDatabase } from './temp-database.ts';

/**
 * Stores on both engines for one test file. Call it at the top of the file: it starts a
 * throw-away PostgreSQL cluster before the file's first test and stops it after the last,
 * and after each test closes the stores it handed out and deletes their SQLite files.
 */
export function useTestStores() {
	const postgres = usePostgresCluster();
	const stores: Store[] = [];
	const temps: TempDatabase[] = [];
	afterEach(async () => {
		await Promise.all(stores.splice(0).map((store) => store.close()));
		for (const temp of temps.splice(0)) temp.remove();
	});

	const closeAfterTest = <S extends Store>(store: S): S => {
		stores.push(store);
		return store;
	};
	const tempDatabase = (): TempDatabase => {
		const temp = createTempDatabase();
		temps.push(temp);
		return temp;
	};
	return {
		/** The file's PostgreSQL cluster (started once its beforeAll has run). */
		get cluster() {
			return postgres.cluster;
		},
		/** `store`, closed after the test. */
		closeAfterTest,
		/** A real, migrated SQLite file, deleted after the test. */
		tempDatabase,
		/** A store on a fresh, migrated database of `engine`, closed after the test. */
		freshStore: async (engine: Store['engine']): Promise<Store> =>
			closeAfterTest(
				engine === 'sqlite'
					? sqliteStore(tempDatabase().database)
					: openPostgresStore(await postgres.cluster.createMigratedDatabase()),
			),
	};
}
