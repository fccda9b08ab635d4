import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFrontDoor, type NodeHandler } from '../../src/server/http/front-door.ts';
import { rawRequest } from '../helpers/raw-http.ts';

let server: Server | undefined;
afterEach(async () => {
	await new Promise((resolve) => server?.close(resolve));
	server = undefined;
});

/** A front door on a free port around `handler`, standing in for Astro. */
async function serve(handler: NodeHandler, generation = () => 1): Promise<string> {
	const frontDoor = createFrontDoor(handler, {
		lookAtGenerations: () => () => generation(),
		sessionCookieName: 'session',
		defaultHeaders: { 'X-Content-Type-Options': 'nosniff' },
	});
	server = createServer(frontDoor);
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A handler whose every render says which it is: `<p>render 1</p>`, `<p>render 2</p>`, … */
function numberedRenders(): NodeHandler {
	let renders = 0;
	return (_, response) => {
		renders += 1;
		response.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'public' });
		response.end(`<p>render ${renders}</p>`);
	};
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

	it('renders a cached page again once its generation has moved, and keeps the new one', async () => {
		let generation = 1;
		const baseUrl = await serve(numberedRenders(), () => generation);
		await rawRequest(baseUrl, 'GET', '/stories/a-story');
		const kept = await rawRequest(baseUrl, 'GET', '/stories/a-story');
		expect([kept.headers['x-page-cache'], kept.body]).toEqual(['hit', '<p>render 1</p>']);
		generation = 2;
		const changed = await rawRequest(baseUrl, 'GET', '/stories/a-story');
		expect([changed.headers['x-page-cache'], changed.body]).toEqual(['miss', '<p>render 2</p>']);
		const keptAgain = await rawRequest(baseUrl, 'GET', '/stories/a-story');
		expect([keptAgain.headers['x-page-cache'], keptAgain.body]).toEqual(['hit', '<p>render 2</p>']);
	});

	it('renders a page whose generation is unknown (NaN) without keeping it or dropping the copy kept', async () => {
		let generation = 1;
		const baseUrl = await serve(numberedRenders(), () => generation);
		await rawRequest(baseUrl, 'GET', '/stories/a-story');
		generation = NaN;
		for (const expected of ['<p>render 2</p>', '<p>render 3</p>']) {
			const unknown = await rawRequest(baseUrl, 'GET', '/stories/a-story');
			expect([unknown.headers['x-page-cache'], unknown.body]).toEqual([undefined, expected]);
		}
		generation = 1;
		const known = await rawRequest(baseUrl, 'GET', '/stories/a-story');
		expect([known.headers['x-page-cache'], known.body]).toEqual(['hit', '<p>render 1</p>']);
	});

	it('answers a client that takes no compression without waiting for any; others get theirs once made', async () => {
		const page = `<!doctype html><p>${'a story '.repeat(400)}</p>`;
		const baseUrl = await serve((_, response) => {
			response.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'public' });
			response.end(page);
		});
		const first = await rawRequest(baseUrl, 'GET', '/stories/long');
		expect(first.headers['content-encoding']).toBeUndefined();
		expect(first.headers['vary']).toBe('Accept-Encoding');
		expect(first.body).toBe(page);
		await vi.waitFor(async () => {
			const gzipped = await rawRequest(baseUrl, 'GET', '/stories/long', {
				'Accept-Encoding': 'gzip',
			});
			expect(gzipped.headers['content-encoding']).toBe('gzip');
		});
	});

	it('answers 500 itself when the handler throws before answering', async () => {
		const baseUrl = await serve(() => {
			throw new Error('the handler broke');
		});
		expect((await rawRequest(baseUrl, 'GET', '/share', {}, 3000)).status).toBe(500);
	});
});
