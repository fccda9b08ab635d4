import type { TestProject } from 'vitest/node';
import { buildIfStale } from '../../scripts/build.ts';
import { startServer } from './server.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The shared built server of the http and browser suites. */
		baseUrl: string;
		databasePath: string;
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

/** Builds once if needed, then starts one server that the suite's tests share. */
export default async function setup(project: TestProject) {
	buildIfStale();
	const server = await startServer({ env: RELAXED_LIMITS });
	project.provide('baseUrl', server.baseUrl);
	project.provide('databasePath', server.databasePath);
	return async () => {
		if (process.env.SHOW_SERVER_OUTPUT) console.log(server.output());
		await server.stop();
	};
}
