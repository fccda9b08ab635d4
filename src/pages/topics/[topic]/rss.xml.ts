import type { APIRoute } from 'astro';
import { FEED_LENGTH, libraryFeed } from '../../../lib/feed';
import { findNewestPieces } from '../../../lib/server/library';
import { SITE_NAME } from '../../../lib/settings';
import { TOPICS } from '../../../lib/taxonomy';

export const GET: APIRoute = async ({ params, site, rewrite }) => {
	const topic = TOPICS.find((candidate) => candidate.slug === params.topic);
	if (!topic) return rewrite('/404');
	return libraryFeed({
		title: `${topic.label} · ${SITE_NAME}`,
		description: `Recovery stories and coping strategies about ${topic.label.toLowerCase()}.`,
		site: site!,
		pieces: await findNewestPieces(FEED_LENGTH, topic.slug),
	});
};
