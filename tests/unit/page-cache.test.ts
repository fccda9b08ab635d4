import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildCachedPage, PageCache } from '../../src/server/http/page-cache.ts';

const html = (text: string) => Buffer.from(`<!doctype html><p>${text}</p>${' '.repeat(2000)}`);
const page = (text: string, generation: number | null = 1, storedAt = 0) =>
	buildCachedPage(
		{ 'content-type': 'text/html', 'content-length': '99', 'cache-control': 'public' },
		html(text),
		generation,
		storedAt,
	);

describe('buildCachedPage', () => {
	it('keeps the page headers but not the transfer ones, with compressed copies and an ETag', async () => {
		const cached = await page('hello');
		expect(cached.headers).toEqual({ 'content-type': 'text/html', 'cache-control': 'public' });
		expect(brotliDecompressSync(cached.br!).equals(cached.body)).toBe(true);
		expect(cached.etag).toMatch(/^W\/"[\w-]+"$/);
		expect((await page('hello')).etag).toBe(cached.etag);
		expect((await page('hello!')).etag).not.toBe(cached.etag);
	});

	it('makes only the compressed forms asked for, and says the page varies by encoding', async () => {
		const cached = await buildCachedPage(
			{ 'content-type': 'text/html' },
			html('only brotli for now'),
			1,
			0,
			'once',
			['br'],
		);
		expect(brotliDecompressSync(cached.br!).equals(cached.body)).toBe(true);
		expect(cached.gzip).toBeNull();
		expect(cached.headerLists.gzip).toEqual([]);
		expect(cached.headerLists.identity).toEqual(
			expect.arrayContaining(['Vary', 'Accept-Encoding']),
		);
	});

	it('does not compress what would not shrink', async () => {
		const image = await buildCachedPage({ 'content-type': 'image/png' }, Buffer.alloc(5000), null);
		expect(image.gzip).toBeNull();
		expect(image.br).toBeNull();
	});
});

describe('PageCache', () => {
	it('serves a page only while its generation is current', async () => {
		const cache = new PageCache({ maxBytes: 1e6, maxAgeMs: 60_000 });
		cache.set('/stories', await page('list', 7));
		expect(cache.get('/stories', 7, 0)).toBeDefined();
		expect(cache.get('/stories', 8, 0)).toBeUndefined();
		// A stale page is dropped, not kept for an older generation.
		expect(cache.get('/stories', 7, 0)).toBeUndefined();
	});

	it('lets a page age out even if no generation moved', async () => {
		const cache = new PageCache({ maxBytes: 1e6, maxAgeMs: 60_000 });
		cache.set('/', await page('home', 1, 1_000));
		expect(cache.get('/', 1, 60_000)).toBeDefined();
		expect(cache.get('/', 1, 61_001)).toBeUndefined();
	});

	it('never ages out assets, which carry no generation', async () => {
		const cache = new PageCache({ maxBytes: 1e6, maxAgeMs: 1 });
		cache.set('/_astro/a.css', await page('css', null, 0));
		expect(cache.get('/_astro/a.css', null, 10_000_000)).toBeDefined();
	});

	it('takes a better-compressed copy only if the page was not replaced meanwhile', async () => {
		const cache = new PageCache({ maxBytes: 1e6, maxAgeMs: 60_000 });
		const fast = await buildCachedPage(
			{ 'content-type': 'text/html' },
			html('a'.repeat(5000)),
			1,
			0,
			'once',
		);
		const best = await buildCachedPage(fast.headers, fast.body, 1, 0, 'stored');
		expect(best.br!.byteLength).toBeLessThan(fast.br!.byteLength);
		cache.set('/', fast);
		cache.replace('/', fast, best);
		expect(cache.get('/', 1, 0)).toBe(best);
		const newer = await page('newer', 2);
		cache.set('/', newer);
		cache.replace('/', best, fast);
		expect(cache.get('/', 2, 0)).toBe(newer);
	});

	it('drops the least recently used pages to stay within its size', async () => {
		const one = await page('one');
		const size = one.body.byteLength + one.gzip!.byteLength + one.br!.byteLength;
		const cache = new PageCache({ maxBytes: size * 2.5, maxAgeMs: 60_000 });
		cache.set('/a', one);
		cache.set('/b', await page('two'));
		cache.get('/a', 1, 0);
		cache.set('/c', await page('three'));
		expect(cache.get('/b', 1, 0)).toBeUndefined();
		expect(cache.get('/a', 1, 0)).toBeDefined();
		expect(cache.get('/c', 1, 0)).toBeDefined();
		expect(cache.byteSize).toBeLessThanOrEqual(size * 2.5);
	});
});
