import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';

export interface TempDatabase {
	database: Database;
	path: string;
	/** Closes the handle and deletes the folder. */
	remove(): void;
}

/** A fresh folder under the system temp directory; remove it when done. */
export function createTempFolder(prefix = 'common-thread-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

/** A real, migrated SQLite file in its own temp folder. */
export function createTempDatabase(): TempDatabase {
	const folder = createTempFolder();
	const path = join(folder, 'test.db');
	const database = openDatabase(path);
	migrateDatabase(database);
	return {
		database,
		path,
		remove() {
			database.$client.close();
			rmSync(folder, { recursive: true, force: true });
		},
	};
}
