/**
 * The database engine a benchmark runs on (`--database sqlite|postgres`): SQLite in a temp
 * file as always, or PostgreSQL in a throw-away cluster the benchmark starts and stops
 * (scripts/postgres-cluster.ts).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { selectRows, type Store } from '../../db/store.ts';
import { ADDRESS_KEY_SETTING } from '../../src/lib/server/address-key.ts';

/** The engine and its version, as the output names it: `SQLite 3.50.4`, `PostgreSQL 15.14`. */
export async function describeEngine(store: Store): Promise<{ name: string; version: string }> {
	const [row] = await store.read((scope) =>
		selectRows<{ version: string }>(
			scope,
			scope.engine === 'sqlite'
				? sql`SELECT sqlite_version() AS version`
				: sql`SELECT current_setting('server_version') AS version`,
		),
	);
	return { name: store.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL', version: row!.version };
}

/**
 * What a server on the PostgreSQL database at `url` is given: the URL, a fresh address key
 * (src/lib/server/address-key.ts: every server of a PostgreSQL site must be given one), and
 * a DATABASE_PATH in the run's temp `folder`, so that nothing a server might still open on
 * SQLite lands in the project's data/ folder.
 */
export function postgresServerEnv(url: string, folder: string): Record<string, string> {
	return {
		DATABASE_URL: url,
		[ADDRESS_KEY_SETTING]: randomBytes(32).toString('base64'),
		DATABASE_PATH: join(folder, 'unused-on-postgres.db'),
	};
}
