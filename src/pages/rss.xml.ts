import type { APIRoute } from 'astro';
import { FEED_LENGTH, libraryFeed } from '../lib/feed';
import { findNewestPieces } from '../lib/server/library';
import { SITE_NAME, SITE_TAGLINE } from '../lib/settings';

export const GET: APIRoute = async ({ site }) =>
	libraryFeed({
		title: SITE_NAME,
		description: SITE_TAGLINE,
		site: site!,
		pieces: await findNewestPieces(FEED_LENGTH),
	});
