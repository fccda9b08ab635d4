import type { TestProject } from 'vitest/node';
import { buildIfStale } from '../../scripts/build.ts';
import { startPostgresCluster } from './postgres-cluster.ts';
import { POSTGRES_CLUSTER_VARIABLE, startServer, TEST_ENGINE } from './server.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The shared built server of the http and browser suites, and its database. */
		baseUrl: string;
		databasePath: string;
		/** Empty on SQLite. */
		databaseUrl: string;
	}
}

/**
 * Limits for the shared server: many tests submit from the same address within seconds.
 * Tests of the limits themselves start a server of their own with the defaults.
 */
export const RELAXED_LIMITS = {
	LIMIT_SUBMISSIONS_PER_ADDRESS_PER_HOUR: '100000',
	LIMIT_SUBMISSIONS_PER_HOUR: '100000',
	LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS_PER_HOUR: '100000',
	LIMIT_PREVIEWS_PER_ADDRESS_PER_HOUR: '100000',
	SUBMISSION_MINIMUM_FILL_SECONDS: '0',
};

/**
 * Builds once if needed, then starts one server that the suite's tests share. With
 * TEST_ENGINE=postgres it first starts the run's one throw-away PostgreSQL cluster, here
 * rather than per file: the shared server needs it before any file runs, and every server
 * a file starts then costs a CREATE DATABASE, not an initdb and a cluster start. The test
 * processes find it in the environment (they are started after this setup).
 */
export default async function setup(project: TestProject) {
	buildIfStale();
	const cluster = TEST_ENGINE === 'postgres' ? await startPostgresCluster() : undefined;
	if (cluster) process.env[POSTGRES_CLUSTER_VARIABLE] = cluster.url;
	const server = await startServer({ env: RELAXED_LIMITS }).catch(async (error: unknown) => {
		await cluster?.stop();
		throw error;
	});
	project.provide('baseUrl', server.baseUrl);
	project.provide('databasePath', server.databasePath);
	project.provide('databaseUrl', server.databaseUrl);
	return async () => {
		if (process.env.SHOW_SERVER_OUTPUT) console.log(server.output());
		await server.stop();
		await cluster?.stop();
	};
}
