import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTempFolder } from '../helpers/temp-database.ts';

const run = promisify(execFile);

describe('the SQLite driver on this Node', () => {
	it(
		'survives statements being garbage-collected while serving requests',
		{ timeout: 60_000 },
		async () => {
			const folder = createTempFolder();
			try {
				const { stdout } = await run(
					process.execPath,
					[
						'--max-semi-space-size=1',
						'tests/fixtures/statement-churn.ts',
						join(folder, 'churn.db'),
					],
					{ timeout: 50_000 },
				);
				expect(stdout.trim()).toBe('survived');
			} finally {
				rmSync(folder, { recursive: true, force: true });
			}
		},
	);
});
