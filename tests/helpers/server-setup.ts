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

/** Builds once if needed, then starts one server that the suite's tests share. */
export default async function setup(project: TestProject) {
	buildIfStale();
	const server = await startServer();
	project.provide('baseUrl', server.baseUrl);
	project.provide('databasePath', server.databasePath);
	return () => server.stop();
}
