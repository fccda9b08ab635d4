import type { APIRoute } from 'astro';
import { libraryFeed } from '../lib/feed';
import { getWholeLibrary } from '../lib/library';
import { SITE_NAME, SITE_TAGLINE } from '../lib/settings';

export const GET: APIRoute = async ({ site }) =>
	libraryFeed({
		title: SITE_NAME,
		description: SITE_TAGLINE,
		site: site!,
		pieces: await getWholeLibrary(),
	});
