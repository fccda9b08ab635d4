/// <reference types="vitest/config" />
import { getViteConfig } from 'astro/config';

const serverSetup = ['tests/helpers/server-setup.ts'];

export default getViteConfig({
	test: {
		environment: 'node',
		// Counted for the unit and integration projects only (`npm test` passes --coverage to
		// them): the http, browser and fault tests drive a server in another process.
		coverage: {
			provider: 'v8',
			include: ['src/**/*.ts', 'db/**/*.ts'],
			exclude: ['**/*.d.ts'],
			reporter: ['text-summary'],
			// Today's figures rounded down (2026-12-02): coverage may rise, never fall silently.
			thresholds: { statements: 68, branches: 62, functions: 68, lines: 69 },
		},
		projects: [
			{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			{
				extends: true,
				test: { name: 'integration', include: ['tests/integration/**/*.test.ts'] },
			},
			{
				extends: true,
				test: {
					name: 'http',
					include: ['tests/http/**/*.test.ts'],
					globalSetup: serverSetup,
					// The files share one server and its database: one file at a time keeps what
					// each test sees (lists, counts) free of another file's writes.
					fileParallelism: false,
					testTimeout: 20_000,
					hookTimeout: 60_000,
				},
			},
			{
				extends: true,
				test: {
					name: 'browser',
					include: ['tests/browser/**/*.test.ts'],
					globalSetup: serverSetup,
					fileParallelism: false,
					testTimeout: 30_000,
					hookTimeout: 60_000,
				},
			},
			{
				extends: true,
				test: {
					name: 'faults',
					include: ['tests/faults/**/*.test.ts'],
					// Builds once if needed; every test then starts (and kills) servers of its own.
					globalSetup: ['tests/faults/build-setup.ts'],
					// Load tests measure the machine: two at once would starve each other.
					fileParallelism: false,
					testTimeout: 120_000,
					hookTimeout: 60_000,
				},
			},
		],
	},
});
