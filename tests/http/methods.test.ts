import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const baseUrl = inject('baseUrl');
const PATHS = [
	'/',
	'/stories',
	'/share',
	'/moderate',
	'/search?q=hope',
	'/favicon.svg',
	'/nowhere',
];

describe('methods the site does not use', () => {
	describe.each(['TRACE', 'PROPFIND', 'PUT', 'DELETE', 'PATCH'])('%s', (method) => {
		it.each(PATHS)(`%s answers 405 with Allow, at once`, async (path) => {
			const answer = await rawRequest(baseUrl, method, path, {}, 5000);
			expect(answer.status).toBe(405);
			expect(answer.headers.allow).toBe('GET, HEAD, POST');
			expect(answer.headers['cache-control']).toBe('no-store');
		});
	});

	it.each(PATHS)('CONNECT %s answers 405 with Allow', async (path) => {
		const answer = await rawRequest(baseUrl, 'CONNECT', path, {}, 5000);
		expect(answer.status).toBe(405);
		expect(answer.headers.allow).toBe('GET, HEAD, POST');
	});

	it.each(PATHS)('a made-up method on %s answers 501', async (path) => {
		expect((await rawRequest(baseUrl, 'FROBNICATE', path, {}, 5000)).status).toBe(501);
	});

	it('OPTIONS lists the methods and is never public', async () => {
		const answer = await rawRequest(baseUrl, 'OPTIONS', '/', {}, 5000);
		expect(answer.status).toBe(204);
		expect(answer.headers.allow).toBe('GET, HEAD, POST');
		expect(answer.headers['cache-control']).toBe('no-store');
	});
});

/** Sends a request and hangs up `afterMs` later (or at the first bytes of the answer). */
function hangUp(url: string, request: string, afterMs: number | 'first-bytes'): Promise<void> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		const socket = connect(Number(port), hostname);
		socket.on('error', () => {});
		socket.on('close', () => resolve());
		socket.write(request);
		if (afterMs === 'first-bytes') socket.once('data', () => socket.resetAndDestroy());
		// A server still waiting for the rest of a body sends nothing: give up on it too.
		setTimeout(() => socket.resetAndDestroy(), afterMs === 'first-bytes' ? 1000 : afterMs);
	});
}

describe('clients that hang up', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(() => server.stop());

	it('leave at most one short line each in the log, never a stack trace or a path', async () => {
		const host = new URL(server.baseUrl).host;
		const before = server.output().split('\n').length;
		const requests = [
			...[
				'/',
				'/stories',
				'/search?q=hope',
				'/share',
				'/topics',
				'/rss.xml',
				'/share-card.png',
			].map((path) => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept-Encoding: gzip, br\r\n\r\n`),
			`POST /share?_action=shareStory HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${server.baseUrl}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\ntitle=Half+a+story&body=`,
			`TRACE / HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
		];
		let aborted = 0;
		for (const request of requests) {
			for (const after of [0, 5, 20, 60, 'first-bytes'] as const) {
				await hangUp(server.baseUrl, request, after);
				aborted += 1;
			}
		}
		// Still serving, and whatever it said about the hang-ups is short.
		expect((await rawRequest(server.baseUrl, 'GET', '/healthz')).status).toBe(200);
		const lines = server.output().split('\n').slice(before).filter(Boolean);
		expect(lines.length).toBeLessThanOrEqual(aborted);
		for (const line of lines) {
			expect(line).not.toMatch(/^\s+at |Error:|\/share|\/search|hope/);
			expect(line.length).toBeLessThan(160);
		}
	}, 90_000);
});
