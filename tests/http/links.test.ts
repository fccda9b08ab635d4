import { describe, expect, it } from 'vitest';
import { fetchDocument } from '../helpers/html.ts';

describe('internal links', () => {
	// The crawl fetches every page of the library one by one (a few hundred with 33 curated
	// pieces), which takes minutes when the machine is busy: a generous limit, not a speed check.
	it('all lead somewhere: a crawl from the home page finds no broken link', async () => {
		const seen = new Map<string, number>();
		const queue = ['/'];
		while (queue.length > 0 && seen.size < 500) {
			const path = queue.shift()!;
			if (seen.has(path)) continue;
			const { response, document } = await fetchDocument(path);
			seen.set(path, response.status);
			if (!response.headers.get('content-type')?.includes('text/html')) continue;
			for (const link of document.querySelectorAll('a[href]')) {
				const href = link.getAttribute('href')!;
				if (!href.startsWith('/') || href.startsWith('//')) continue;
				const target = href.split('#')[0]!;
				if (target && !seen.has(target)) queue.push(target);
			}
		}
		const broken = [...seen].filter(([, status]) => status >= 400);
		expect(broken).toEqual([]);
		expect(seen.size).toBeGreaterThan(40);
	}, 300_000);
});
