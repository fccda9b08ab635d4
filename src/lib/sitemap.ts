import { isoDay } from './dates';

/** The sitemaps protocol allows at most 50,000 addresses in one file. */
export const SITEMAP_PAGE_SIZE = 50_000;

export interface SitemapEntry {
	path: string;
	modified?: Date;
}

function xmlResponse(body: string): Response {
	return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, {
		headers: { 'Content-Type': 'application/xml; charset=utf-8' },
	});
}

/** `/sitemap.xml`: the index of the `pages` sitemap files. */
export function sitemapIndex(site: URL, pages: number): Response {
	const files = Array.from(
		{ length: pages },
		(_, index) => `<sitemap><loc>${new URL(`/sitemap-${index + 1}.xml`, site)}</loc></sitemap>`,
	);
	return xmlResponse(
		`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${files.join('')}</sitemapindex>`,
	);
}

/** One sitemap file. Paths are ours (slugs are URL-safe), so they need no escaping beyond the URL's. */
export function sitemapPage(site: URL, entries: readonly SitemapEntry[]): Response {
	const urls = entries.map(({ path, modified }) => {
		const lastModified = modified ? `<lastmod>${isoDay(modified)}</lastmod>` : '';
		return `<url><loc>${new URL(path, site)}</loc>${lastModified}</url>`;
	});
	return xmlResponse(
		`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`,
	);
}
