import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
	compress,
	isCompressible,
	preferredEncoding,
} from '../../src/server/http/http-encoding.ts';

describe('preferredEncoding', () => {
	it.each([
		['gzip, deflate, br, zstd', 'br'],
		['gzip', 'gzip'],
		['br;q=0, gzip', 'gzip'],
		['br;q=0.5', 'br'],
		['br;q=0.1, gzip;q=1', 'gzip'],
		['gzip;q=0.8, br;q=0.9', 'br'],
		['*', 'gzip'],
		['identity', 'identity'],
		['gzip;q=0', 'identity'],
		[undefined, 'identity'],
		['', 'identity'],
	])('%s → %s', (header, expected) => {
		expect(preferredEncoding(header)).toBe(expected);
	});
});

describe('isCompressible', () => {
	it('compresses text formats of some size only', () => {
		expect(isCompressible('text/html; charset=utf-8', 5000)).toBe(true);
		expect(isCompressible('application/rss+xml', 5000)).toBe(true);
		expect(isCompressible('image/svg+xml', 5000)).toBe(true);
		expect(isCompressible('text/html', 200)).toBe(false);
		expect(isCompressible('image/png', 50_000)).toBe(false);
		expect(isCompressible(undefined, 50_000)).toBe(false);
	});
});

describe('compress', () => {
	const page = Buffer.from('<p>One day at a time.</p>\n'.repeat(400));
	it.each(['stored', 'once'] as const)('round-trips both encodings (%s effort)', async (effort) => {
		expect(gunzipSync(await compress(page, 'gzip', effort)).equals(page)).toBe(true);
		expect(brotliDecompressSync(await compress(page, 'br', effort)).equals(page)).toBe(true);
	});
});
