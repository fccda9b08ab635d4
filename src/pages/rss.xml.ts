import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { getWholeLibrary, KIND_LABELS } from '../lib/library';
import { SITE_NAME, SITE_TAGLINE } from '../lib/settings';

/** Feed readers want what is new; the sitemap lists everything. */
const FEED_LENGTH = 50;

export const GET: APIRoute = async ({ site }) =>
	rss({
		title: SITE_NAME,
		description: SITE_TAGLINE,
		site: site!,
		trailingSlash: false,
		items: (await getWholeLibrary()).slice(0, FEED_LENGTH).map((piece) => ({
			title: piece.title,
			link: piece.href,
			pubDate: piece.published,
			description: piece.summary,
			categories: [KIND_LABELS[piece.kind], ...piece.topics],
		})),
	});
