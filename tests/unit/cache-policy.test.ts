import { describe, expect, it } from 'vitest';
import { cacheControlFor, cacheRuleFor, forbidsSharedCaching } from '../../src/lib/cache-policy.ts';

describe('cacheRuleFor', () => {
	it.each([
		'/',
		'/stories',
		'/stories/shared-abcdefgh',
		'/topics/alcohol',
		'/strategies/riding-out-a-craving',
		'/rss.xml',
		'/sitemap.xml',
		'/about',
		'/transparency',
	])('lets everyone keep %s briefly (library)', (path) => {
		expect(cacheRuleFor(path)).toBe('library');
	});

	it.each([
		'/share',
		'/my-story',
		'/moderate',
		'/moderate/login',
		'/moderate/abc',
		'/healthz',
		'/_actions/shareStory',
		'/something-new',
	])('lets nobody keep %s', (path) => {
		expect(cacheRuleFor(path)).toBe('private');
		expect(cacheControlFor(cacheRuleFor(path))).toBe('no-store');
	});

	it('does not mistake a look-alike path for a private one, nor the reverse', () => {
		expect(cacheRuleFor('/sharer')).toBe('private');
		expect(cacheRuleFor('/moderated-stories')).toBe('private');
		expect(cacheRuleFor('/stories-old')).toBe('private');
	});

	it('leaves build assets to their own (immutable) headers; search is public like the library', () => {
		expect(cacheRuleFor('/_astro/index.abc123.css')).toBe('asset');
		expect(cacheControlFor('asset')).toBeNull();
		expect(cacheRuleFor('/search')).toBe('search');
		expect(cacheControlFor('search')).toMatch(/s-maxage/);
	});
});

describe('forbidsSharedCaching', () => {
	it.each([
		['no-store', true],
		['private, max-age=60', true],
		['Private', true],
		['public, max-age=0, s-maxage=10, stale-while-revalidate=20', false],
		['public, max-age=0', false],
		['', false],
	])('%j forbids a shared cache to keep the response: %s', (cacheControl, forbidden) => {
		expect(forbidsSharedCaching(cacheControl)).toBe(forbidden);
	});
});
