import type { APIRoute } from 'astro';

export const prerender = true;

export const GET: APIRoute = ({ site }) =>
	new Response(
		`User-agent: *\nDisallow: /moderate\nDisallow: /my-story\n\nSitemap: ${new URL('/sitemap.xml', site)}\n`,
		{ headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
	);
