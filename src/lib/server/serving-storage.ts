import { getDatabase, resolveDatabasePath } from '../../../db/client.ts';
import { migrateDatabase } from '../../../db/migrate.ts';
import { migratePostgres } from '../../../db/migrate-postgres.ts';
import { isPostgresUrl } from '../../../db/postgres-url.ts';
import { getStore, postgresPoolOf, type Store } from '../../../db/store.ts';
import type { FrontDoorOptions } from '../../server/http/front-door.ts';
import { ADDRESS_KEY_SETTING, readSharedAddressSecret } from './address-key.ts';
import { eraseFromDisk } from './erasure.ts';
import { settingsKeepingOldWal } from './erasure-postgres.ts';
import { pageGenerationLooker } from './page-generations.ts';
import { followPageGenerations } from './page-generations-postgres.ts';

/**
 * What the production server (scripts/serve.ts) needs of the database before it accepts a
 * request, on either engine: the database migrated, and how the front door looks at page
 * generations. Here so that nothing outside db/ and src/lib/server/ knows the engines apart.
 */

/** Where the database is, for the log: host, port and database, never the password. */
function postgresLocation(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		// pg also takes forms a URL parser refuses (`user:password@/database?host=/run/postgresql`).
		return 'DATABASE_URL';
	}
	// A Unix socket's folder comes percent-encoded as the host, or as `?host=`.
	const host =
		decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || 'localhost';
	const port = parsed.port || parsed.searchParams.get('port') || '5432';
	return `${host}:${port}${parsed.pathname}`;
}

/**
 * Says what in PostgreSQL's settings keeps erased text in WAL, and rewrites in the background
 * what an erasure marked before a crash (or another server's restart) could rewrite it.
 */
async function startErasure(store: Store): Promise<void> {
	const pool = await store.read(async (scope) => postgresPoolOf(scope));
	for (const line of await settingsKeepingOldWal(pool)) console.warn(`Erasure: ${line}`);
	await eraseFromDisk(store);
}

/** The engine's own pieces: what the front door looks at, and what shutdown closes. */
export interface Storage {
	lookAtGenerations: FrontDoorOptions['lookAtGenerations'];
	close(): Promise<void>;
}

/**
 * PostgreSQL at DATABASE_URL, else SQLite at DATABASE_PATH, migrated before the first
 * request is accepted (on PostgreSQL under an advisory lock: servers may start together).
 */
export async function openStorage(): Promise<Storage> {
	const url = process.env.DATABASE_URL;
	if (url) {
		if (!isPostgresUrl(url)) {
			throw new Error(
				'DATABASE_URL must be a PostgreSQL URL (postgres://user@host:port/database).',
			);
		}
		// Every server must key an address alike (address-key.ts, SECURITY.md).
		if (!readSharedAddressSecret(process.env)) {
			throw new Error(
				`${ADDRESS_KEY_SETTING} must be set on PostgreSQL, the same on every server: ` +
					'at least 32 random bytes in base64 (openssl rand -base64 32).',
			);
		}
		const applied = await migratePostgres(url);
		console.log(`Database ready at ${postgresLocation(url)} (${applied} migration(s) applied).`);
		await startErasure(getStore());
		// Another server's change arrives by LISTEN/NOTIFY; a page whose generation is not
		// known (NaN) is rendered and not kept (front-door.ts).
		const follower = followPageGenerations(url);
		return {
			lookAtGenerations: (pathnames) => follower.lookAtGenerationsOf(pathnames),
			// The store's pool is opened by the first domain call that needs it (getStore()).
			close: async () => void (await Promise.all([follower.close(), getStore().close()])),
		};
	}
	const databasePath = resolveDatabasePath();
	const database = getDatabase();
	const applied = migrateDatabase(database);
	console.log(`Database ready at ${databasePath} (${applied} migration(s) applied).`);
	return {
		lookAtGenerations: pageGenerationLooker(database),
		// As before the store: the handle ends with the process.
		close: async () => {},
	};
}
