import type { APIRoute } from 'astro';
import { sitemapIndex } from '../lib/sitemap';
import { countSitemapPages } from '../lib/server/sitemap-pages';

/** A sitemap index: one `/sitemap-<n>.xml` per 50,000 addresses (the protocol's limit). */
export const GET: APIRoute = async ({ site }) => sitemapIndex(site!, await countSitemapPages());
