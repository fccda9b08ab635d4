import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFrontDoor, type NodeHandler } from '../../src/server/http/front-door.ts';
import { rawRequest } from '../helpers/raw-http.ts';

let server: Server | undefined;
afterEach(async () => {
	await new Promise((resolve) => server?.close(resolve));
	server = undefined;
});

/** A front door on a free port around `handler`, standing in for Astro. */
async function serve(handler: NodeHandler): Promise<string> {
	const frontDoor = createFrontDoor(handler, {
		readGeneration: () => 1,
		sessionCookieName: 'session',
		defaultHeaders: { 'X-Content-Type-Options': 'nosniff' },
	});
	server = createServer(frontDoor);
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createFrontDoor', () => {
	it('keeps a library path out of the cache when the page rendered there chose no-store', async () => {
		// As when Astro's URL parser takes an odd-looking library path to a private page.
		const baseUrl = await serve((_, response) => {
			response.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' });
			response.end('<p>a private form</p>');
		});
		const first = await rawRequest(baseUrl, 'GET', '/stories/odd');
		const second = await rawRequest(baseUrl, 'GET', '/stories/odd');
		for (const answer of [first, second]) {
			expect(answer.headers['cache-control']).toBe('no-store');
			expect(answer.headers['x-page-cache']).toBeUndefined();
		}
	});

	it('caches a library page whose rendering chose a public Cache-Control', async () => {
		const baseUrl = await serve((_, response) => {
			response.writeHead(200, {
				'Content-Type': 'text/html',
				'Cache-Control': 'public, max-age=0, s-maxage=10, stale-while-revalidate=20',
			});
			response.end('<p>a story</p>');
		});
		await rawRequest(baseUrl, 'GET', '/stories/a-story');
		expect((await rawRequest(baseUrl, 'GET', '/stories/a-story')).headers['x-page-cache']).toBe(
			'hit',
		);
	});

	it('answers 500 itself when the handler throws before answering', async () => {
		const baseUrl = await serve(() => {
			throw new Error('the handler broke');
		});
		expect((await rawRequest(baseUrl, 'GET', '/share', {}, 3000)).status).toBe(500);
	});
});
