import { XMLParser } from 'fast-xml-parser';

export interface FeedItem {
	link: string;
	description: string;
	pubDate: string;
}

/** The items of an RSS document, none, one or many (the parser gives a lone item unwrapped). */
export function feedItems(xml: string): FeedItem[] {
	const feed = new XMLParser().parse(xml) as { rss: { channel: { item?: FeedItem | FeedItem[] } } };
	return [feed.rss.channel.item ?? []].flat();
}

/** The `<loc>` addresses of a sitemap. */
export function sitemapLocations(xml: string): string[] {
	const sitemap = new XMLParser().parse(xml) as {
		urlset: { url?: { loc: string } | { loc: string }[] };
	};
	return [sitemap.urlset.url ?? []].flat().map(({ loc }) => loc);
}

/** The `<loc>` addresses of the files a sitemap index lists. */
export function sitemapIndexFiles(xml: string): string[] {
	const index = new XMLParser().parse(xml) as {
		sitemapindex: { sitemap?: { loc: string } | { loc: string }[] };
	};
	return [index.sitemapindex.sitemap ?? []].flat().map(({ loc }) => loc);
}
