import type { APIRoute } from 'astro';
import { getWholeLibrary } from '../lib/library';
import { TOPIC_SLUGS } from '../lib/taxonomy';

const FIXED_PATHS = ['/', '/stories', '/strategies', '/topics', '/about', '/transparency'];

export const GET: APIRoute = async ({ site }) => {
	const pieces = await getWholeLibrary();
	const entries = [
		...FIXED_PATHS.map((path) => ({ path, modified: undefined as Date | undefined })),
		...TOPIC_SLUGS.map((topic) => ({ path: `/topics/${topic}`, modified: undefined })),
		...pieces.map((piece) => ({ path: piece.href, modified: piece.updated ?? piece.published })),
	];
	const urls = entries.map(({ path, modified }) => {
		const lastModified = modified
			? `<lastmod>${modified.toISOString().slice(0, 10)}</lastmod>`
			: '';
		return `<url><loc>${new URL(path, site)}</loc>${lastModified}</url>`;
	});
	return new Response(
		`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>\n`,
		{ headers: { 'Content-Type': 'application/xml; charset=utf-8' } },
	);
};
