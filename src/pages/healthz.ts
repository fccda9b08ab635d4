import type { APIRoute } from 'astro';
import { isDatabaseReadable } from '../lib/server/health';

export const GET: APIRoute = async () => {
	const healthy = await isDatabaseReadable();
	return Response.json(
		{ status: healthy ? 'ok' : 'unavailable' },
		{ status: healthy ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
	);
};
