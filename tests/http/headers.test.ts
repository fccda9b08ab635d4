import { describe, expect, it } from 'vitest';
import { CRISIS_LINES } from '../../src/lib/settings.ts';
import { get } from '../helpers/http.ts';
import { publishedSourcePieces } from '../helpers/library.ts';

const ROUTES = [
	['home page', '/', 200],
	['prerendered page', '/about', 200],
	['story list', '/stories?topic=alcohol', 200],
	['curated piece', publishedSourcePieces()[0]!.path, 200],
	['feed', '/rss.xml', 200],
	['health endpoint', '/healthz', 200],
	['static file', '/favicon.svg', 200],
	['unknown page', '/no-such-page', 404],
] as const;

describe.each(ROUTES)('the %s (%s)', (_kind, path, status) => {
	it(`answers ${status}`, async () => {
		expect((await get(path)).status).toBe(status);
	});

	it('carries a strict Content-Security-Policy', async () => {
		const policy = (await get(path)).headers.get('content-security-policy') ?? '';
		const directives = policy.split(';').map((directive) => directive.trim());
		expect(directives).toContain("default-src 'self'");
		expect(directives).toContain("frame-ancestors 'none'");
		expect(policy).not.toContain('unsafe-eval');
		expect(policy).not.toMatch(/https?:/);
	});

	it('tells browsers not to sniff, not to refer and not to grant device features', async () => {
		const { headers } = await get(path);
		expect(headers.get('x-content-type-options')).toBe('nosniff');
		expect(headers.get('referrer-policy')).toBe('same-origin');
		expect(headers.get('permissions-policy')).toMatch(/camera=\(\)/);
		expect(headers.get('permissions-policy')).toMatch(/geolocation=\(\)/);
	});

	it('sets no cookie for an anonymous visitor', async () => {
		expect((await get(path)).headers.getSetCookie()).toEqual([]);
	});
});

describe('every page', () => {
	it.each(['/', '/about', '/no-such-page'])(
		'%s shows the crisis lines and the quick exit',
		async (path) => {
			const html = await (await get(path)).text();
			// Whatever lines the deployment sets (settings.ts), each one's number is a link.
			const numbers = CRISIS_LINES.flatMap((line) => (line.phone ? [line.phone.uri] : []));
			expect(numbers.length).toBeGreaterThan(0);
			for (const uri of numbers) expect(html).toContain(`href="${uri}"`);
			expect(html).toMatch(/<a[^>]+data-quick-exit[^>]*>\s*Leave this site/);
			expect(html).toMatch(/<html lang="en"/);
			expect(html).toContain('href="#main"');
		},
	);
});
