import rss from '@astrojs/rss';
import { KIND_LABELS, type LibraryPiece } from './library';

/** Feed readers want what is new; the sitemap lists everything. */
const FEED_LENGTH = 50;

/** An RSS response of the newest pieces (given newest first): the site's feed and each topic's. */
export function libraryFeed(feed: {
	title: string;
	description: string;
	site: URL;
	pieces: readonly LibraryPiece[];
}): Promise<Response> {
	return rss({
		title: feed.title,
		description: feed.description,
		site: feed.site,
		trailingSlash: false,
		items: feed.pieces.slice(0, FEED_LENGTH).map((piece) => ({
			title: piece.title,
			link: piece.href,
			pubDate: piece.published,
			description: piece.summary,
			categories: [KIND_LABELS[piece.kind], ...piece.topics],
		})),
	});
}
