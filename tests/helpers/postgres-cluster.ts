import { afterAll, beforeAll } from 'vitest';
import {
	createDatabaseIn,
	startPostgresCluster,
	type PostgresCluster,
} from '../../scripts/postgres-cluster.ts';

// The cluster itself lives in scripts/, where the benchmark starts one too.
export { createDatabaseIn, startPostgresCluster, type PostgresCluster };

/** A cluster for the test file: started before its first test, stopped after its last. */
export function usePostgresCluster(): { readonly cluster: PostgresCluster } {
	let cluster: PostgresCluster | undefined;
	beforeAll(async () => {
		cluster = await startPostgresCluster();
	}, 120_000);
	afterAll(async () => {
		await cluster?.stop();
	}, 60_000);
	return {
		get cluster() {
			if (!cluster) throw new Error('The PostgreSQL cluster starts in beforeAll.');
			return cluster;
		},
	};
}
