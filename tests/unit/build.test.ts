import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildStale } from '../../scripts/build.ts';
import { createTempFolder } from '../helpers/temp-database.ts';

describe('isBuildStale', () => {
	let root: string;
	const stampAt = (when: Date) => {
		mkdirSync(join(root, 'dist'), { recursive: true });
		writeFileSync(join(root, 'dist/.build-complete'), '');
		utimesSync(join(root, 'dist/.build-complete'), when, when);
	};
	const sourceAt = (path: string, when: Date) => {
		mkdirSync(join(root, path, '..'), { recursive: true });
		writeFileSync(join(root, path), 'x');
		utimesSync(join(root, path), when, when);
	};

	beforeEach(() => {
		root = createTempFolder();
		sourceAt('src/pages/index.astro', new Date('2026-01-01'));
	});
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	it('is stale when nothing was built yet', () => {
		expect(isBuildStale(root)).toBe(true);
	});

	it('is fresh when the build is newer than every source', () => {
		stampAt(new Date('2026-02-01'));
		utimesSync(join(root, 'src/pages'), new Date('2026-01-01'), new Date('2026-01-01'));
		utimesSync(join(root, 'src'), new Date('2026-01-01'), new Date('2026-01-01'));
		expect(isBuildStale(root)).toBe(false);
	});

	it.each([
		'src/lib/deep/file.ts',
		'content/stories/new.mdx',
		'astro.config.mjs',
		// Bundled into dist/serve.mjs: an edit must reach the server that runs.
		'scripts/serve.ts',
	])('is stale when %s changed after the build', (path) => {
		stampAt(new Date('2026-02-01'));
		sourceAt(path, new Date('2026-03-01'));
		expect(isBuildStale(root)).toBe(true);
	});
});
