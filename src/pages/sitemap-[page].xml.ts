import type { APIRoute } from 'astro';
import { sitemapPage } from '../lib/sitemap';
import { findSitemapPage } from '../lib/server/sitemap-pages';

export const GET: APIRoute = async ({ params, site, rewrite }) => {
	const entries = /^[1-9]\d{0,5}$/.test(params.page ?? '')
		? await findSitemapPage(Number(params.page))
		: null;
	if (!entries) return rewrite('/404');
	return sitemapPage(site!, entries);
};
