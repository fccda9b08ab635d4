import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_NAMES } from '../../scripts/screenshots.ts';
import { createTempFolder } from '../helpers/temp-database.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const folder = createTempFolder('common-thread-screenshots-');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run screenshots', () => {
	it('writes every README picture, light and dark, as a 1280 px wide PNG', async () => {
		const script = resolve(import.meta.dirname, '../../scripts/screenshots.ts');
		await promisify(execFile)(process.execPath, [script, '--out', folder], {
			cwd: resolve(import.meta.dirname, '../..'),
		});
		for (const name of SCREENSHOT_NAMES) {
			for (const scheme of ['light', 'dark']) {
				const png = readFileSync(join(folder, `${name}-${scheme}.png`));
				expect(png.subarray(0, 8).equals(PNG_SIGNATURE), `${name}-${scheme}`).toBe(true);
				// The IHDR chunk right after the signature holds the width.
				expect(png.readUInt32BE(16), `${name}-${scheme} width`).toBe(1280);
				expect(png.byteLength).toBeGreaterThan(10_000);
			}
		}
		// Light and dark really differ.
		expect(readFileSync(join(folder, 'home-light.png'))).not.toEqual(
			readFileSync(join(folder, 'home-dark.png')),
		);
	}, 300_000);
});
