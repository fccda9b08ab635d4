import type { APIRoute } from 'astro';
import { isDatabaseReadable, isDatabaseWritable } from '../lib/server/health';

/** 200 only when the database can be read and a write commits; a full disk fails the second. */
export const GET: APIRoute = async () => {
	const healthy = (await isDatabaseReadable()) && (await isDatabaseWritable());
	return Response.json(
		{ status: healthy ? 'ok' : 'unavailable' },
		{ status: healthy ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
	);
};
