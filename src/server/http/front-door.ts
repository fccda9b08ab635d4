import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	cacheControlFor,
	cacheRuleFor,
	forbidsSharedCaching,
	QUERY_PARAMETERS,
	type CacheRule,
} from '../../lib/cache-policy.ts';
import { compress, encodingFor, isCompressible } from './http-encoding.ts';
import {
	announceFrontDoorSetsClientAddress,
	CLIENT_ADDRESS_HEADER,
	clientAddressFrom,
} from './client-address.ts';
import { buildCachedPage, PageCache, type CachedPage } from './page-cache.ts';
import { captureResponse, releaseResponse, type CapturedResponse } from './response-capture.ts';
import { ALLOW, HANDLED_METHODS } from './socket-answers.ts';
import type { GenerationsAsLookedAt } from '../../lib/server/page-scopes.ts';

export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface FrontDoorOptions {
	/**
	 * Looks at the database once for the paths of a batch of requests; the function returned
	 * gives the generation of the public library as it concerns a path, as of that look
	 * (page-generations.ts; on PostgreSQL a read, page-generations-postgres.ts), or NaN when
	 * it cannot tell: such a page is rendered and nothing is kept.
	 */
	lookAtGenerations(
		pathnames: readonly string[],
	): GenerationsAsLookedAt | Promise<GenerationsAsLookedAt>;
	/** Requests carrying this cookie (a signed-in moderator) never touch the cache. */
	sessionCookieName: string;
	/** Headers every response carries (security headers); pages may replace some. */
	defaultHeaders: Readonly<Record<string, string>>;
	/** Reverse proxies in front of the server whose `X-Forwarded-For` entries are believed. */
	trustedProxyHops?: number;
	pages?: PageCache;
	searches?: PageCache;
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
	if (!ifNoneMatch) return false;
	const bare = (tag: string) => tag.trim().replace(/^W\//, '');
	return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

function sendCachedPage(
	request: IncomingMessage,
	response: ServerResponse,
	page: CachedPage,
	status: 'hit' | 'miss',
): void {
	const label = (list: string[]) => {
		if (status === 'hit') return list;
		const copy = [...list];
		copy[copy.indexOf('X-Page-Cache') + 1] = 'miss';
		return copy;
	};
	if (etagMatches(request.headers['if-none-match'], page.etag)) {
		response.writeHead(304, label(page.headerLists.notModified)).end();
		return;
	}
	const wanted = page.compressible ? encodingFor(request.headers['accept-encoding']) : 'identity';
	// A form not made yet (compressLater) leaves uncompressed, which every client reads.
	const encoding = wanted !== 'identity' && page[wanted] ? wanted : 'identity';
	const body = encoding === 'identity' ? page.body : page[encoding]!;
	response.writeHead(200, label(page.headerLists[encoding]));
	response.end(request.method === 'HEAD' ? undefined : body);
}

/** Sends a response the handler produced but the cache does not keep, compressed if worth it. */
async function sendCaptured(
	request: IncomingMessage,
	response: ServerResponse,
	captured: CapturedResponse,
): Promise<void> {
	let body = captured.body;
	const contentType = String(captured.headers['content-type'] ?? '');
	const noBody = request.method === 'HEAD' || captured.status === 204 || captured.status === 304;
	if (
		!noBody &&
		!captured.headers['content-encoding'] &&
		isCompressible(contentType, body.byteLength)
	) {
		const encoding = encodingFor(request.headers['accept-encoding']);
		response.setHeader('Vary', 'Accept-Encoding');
		if (encoding !== 'identity') {
			body = await compress(body, encoding, 'once');
			response.setHeader('Content-Encoding', encoding);
		}
	}
	if (!noBody) response.setHeader('Content-Length', body.byteLength);
	response.writeHead(captured.status);
	response.end(noBody ? undefined : body);
}

/** A backslash or an encoded slash or backslash, in a path. */
const AMBIGUOUS_SEPARATORS = /\\|%5c|%2f/i;

/** The largest request body read (the adapter's `bodySizeLimit` in astro.config.mjs). */
const REQUEST_BODY_LIMIT = 1024 * 1024;

/** A request's whole body, or why there is none: too large, or the client went away. */
function receiveBody(request: IncomingMessage): Promise<Buffer | 'too-large' | 'hung-up'> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.byteLength;
			if (size > REQUEST_BODY_LIMIT) {
				request.removeAllListeners('data');
				resolve('too-large');
			} else chunks.push(chunk);
		});
		request.once('end', () => resolve(Buffer.concat(chunks)));
		request.once('error', () => resolve('hung-up'));
		request.once('close', () => {
			if (!request.complete) resolve('hung-up');
		});
	});
}

/** The cache key of a request, or `null` when it must not be cached. */
function cacheKeyOf(
	request: IncomingMessage,
	target: string,
	queryStart: number,
	rule: CacheRule,
	sessionCookie: string,
): string | null {
	if (request.method !== 'GET' && request.method !== 'HEAD') return null;
	if (rule === 'private') return null;
	if (request.headers.cookie?.includes(`${sessionCookie}=`)) return null;
	// A path that only means something once decoded or resolved is not ours to judge.
	if (/%|\/\.|\/\//.test(target.slice(0, queryStart === -1 ? undefined : queryStart))) return null;
	if (queryStart !== -1) {
		const understood = QUERY_PARAMETERS[rule];
		for (const name of new URLSearchParams(target.slice(queryStart + 1)).keys()) {
			// Unknown parameters would let anyone fill the cache with copies of one page.
			if (!understood.has(name)) return null;
		}
	}
	return target;
}

/**
 * The server's front door: answers public pages (and repeated searches) from memory while
 * the library is unchanged, and hands everything else to Astro. Astro's request pipeline
 * is what costs time; a cached page costs a share of one look at the database file (the
 * requests read together share it; page-generations.ts) and one write to the socket. Every
 * response leaves compressed when the client accepts it.
 */
export function createFrontDoor(handler: NodeHandler, options: FrontDoorOptions): NodeHandler {
	const pages =
		options.pages ?? new PageCache({ maxBytes: 64 * 1024 * 1024, maxAgeMs: 5 * 60_000 });
	// Searches get their own, smaller cache: endless distinct queries must not push pages out.
	const searches =
		options.searches ?? new PageCache({ maxBytes: 16 * 1024 * 1024, maxAgeMs: 5 * 60_000 });
	const rendering = new Map<string, Promise<CachedPage | null>>();
	const trustedProxyHops = options.trustedProxyHops ?? 0;

	/** Hands the request to Astro (or its static files), headers for every response first. */
	function runHandler(request: IncomingMessage, response: ServerResponse) {
		// Derived here, where the socket is, and nowhere else (a cached answer needs no address);
		// Astro never sees the client's X-Forwarded-For (with `security.allowedDomains` it would
		// trust its left-most entry).
		request.headers[CLIENT_ADDRESS_HEADER] = clientAddressFrom(
			request.socket.remoteAddress,
			request.headers['x-forwarded-for'],
			trustedProxyHops,
		);
		delete request.headers['x-forwarded-for'];
		const captured = captureResponse(response);
		for (const [name, value] of Object.entries(options.defaultHeaders)) {
			response.setHeader(name, value);
		}
		try {
			handler(request, response);
		} catch (error) {
			// Thrown before any answer (the adapter cannot even build a Request): the error
			// answer must go to the socket, not into the capture nobody will read.
			releaseResponse(response);
			throw error;
		}
		return captured;
	}

	async function passThrough(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const result = await runHandler(request, response);
		if (result) await sendCaptured(request, response, result);
	}

	async function render(
		request: IncomingMessage,
		response: ServerResponse,
		rule: CacheRule,
		generation: number | null,
	): Promise<CachedPage | null> {
		// The cache answers conditional requests itself, from the whole page.
		delete request.headers['if-none-match'];
		delete request.headers['if-modified-since'];
		const result = await runHandler(request, response);
		if (!result) return null;
		// What Astro rendered has a veto: a page says no-store wherever its route is private,
		// however the path that reached it was spelt, and then it is neither kept nor public.
		const chosen = result.headers['cache-control'];
		const keep =
			request.method === 'GET' &&
			result.status === 200 &&
			!result.headers['set-cookie'] &&
			!forbidsSharedCaching(String(chosen ?? ''));
		if (!keep) {
			await sendCaptured(request, response, result);
			return null;
		}
		const cacheControl = cacheControlFor(rule);
		if (cacheControl) result.headers['cache-control'] = cacheControl;
		// Someone is waiting: compress fast. A search (mostly never asked again) gets only the
		// form its client takes; a reading page every form, since browsers come next.
		const wanted = encodingFor(request.headers['accept-encoding']);
		const madeNow = rule !== 'search' ? undefined : wanted === 'identity' ? [] : [wanted];
		return buildCachedPage(result.headers, result.body, generation, Date.now(), 'once', madeNow);
	}

	/**
	 * Makes every compressed form of a page just kept, off the request's path: the best
	 * compression for reading pages, sent many times; the forms a search's first client did
	 * not take, fast (until then another client gets it uncompressed).
	 */
	function compressLater(key: string, page: CachedPage, cache: PageCache, rule: CacheRule): void {
		if (!page.compressible) return;
		const effort = rule === 'search' ? 'once' : 'stored';
		buildCachedPage(page.headers, page.body, page.generation, page.storedAt, effort)
			.then((whole) => cache.replace(key, page, whole))
			.catch((error: unknown) => console.error(`Compression failed: ${(error as Error).message}`));
	}

	async function renderAndServe(
		request: IncomingMessage,
		response: ServerResponse,
		key: string,
		rule: CacheRule,
		generation: number | null,
		cache: PageCache,
	): Promise<void> {
		const inFlight = rendering.get(key);
		if (inFlight) {
			const page = await inFlight;
			if (page && page.generation === generation)
				return sendCachedPage(request, response, page, 'hit');
			return passThrough(request, response);
		}
		const ifNoneMatch = request.headers['if-none-match'];
		const pending = render(request, response, rule, generation);
		rendering.set(key, pending);
		try {
			const page = await pending;
			if (!page) return;
			cache.set(key, page);
			request.headers['if-none-match'] = ifNoneMatch;
			sendCachedPage(request, response, page, 'miss');
			compressLater(key, page, cache, rule);
		} finally {
			rendering.delete(key);
		}
	}

	function settle(served: Promise<void>, response: ServerResponse): void {
		served.catch((error: unknown) => {
			console.error(`Serving a page failed: ${(error as Error).message}`);
			releaseResponse(response);
			if (!response.headersSent) response.writeHead(500).end('Internal server error');
			else response.destroy();
		});
	}

	announceFrontDoorSetsClientAddress();

	/**
	 * Reads a form post whole before Astro sees it. A client that hangs up halfway then costs
	 * one short line here, instead of an "aborted" error and its stack trace from inside the
	 * render; and the body Astro gets is already in memory (the adapter takes `request.body`).
	 */
	async function receiveThenPass(request: IncomingMessage, response: ServerResponse) {
		const body = await receiveBody(request);
		if (body === 'hung-up') {
			console.error('A client hung up before its request was complete.');
			return;
		}
		if (body === 'too-large') {
			return answer(response, 413, 'This request is too large.', { Connection: 'close' });
		}
		(request as IncomingMessage & { body?: Buffer }).body = body;
		return passThrough(request, response);
	}

	/** A short plain answer of our own, with the security headers, that nobody keeps. */
	function answer(
		response: ServerResponse,
		status: number,
		text: string,
		headers: Record<string, string> = {},
	): void {
		response.writeHead(status, {
			...options.defaultHeaders,
			'Cache-Control': 'no-store',
			'Content-Type': 'text/plain; charset=utf-8',
			...headers,
		});
		response.end(text);
	}

	interface CacheableRequest {
		request: IncomingMessage;
		response: ServerResponse;
		pathname: string;
		key: string;
		rule: CacheRule;
	}

	/** Answers from the cache while the page is at `generation`, else renders and keeps it. */
	function serveCacheable(
		{ request, response, key, rule }: CacheableRequest,
		generation: number | null,
	): void {
		const cache = rule === 'search' ? searches : pages;
		const cached = cache.get(key, generation);
		if (cached) return sendCachedPage(request, response, cached, 'hit');
		settle(renderAndServe(request, response, key, rule, generation, cache), response);
	}

	/** Renders and answers, keeping nothing and leaving what the cache holds as it is. */
	function renderUncached(waiter: CacheableRequest): void {
		settle(passThrough(waiter.request, waiter.response), waiter.response);
	}

	/** Without the database we cannot know what is current: render, keep nothing. */
	function bypassCache(waiter: CacheableRequest, error: unknown): void {
		// The driver's message only: drizzle's own would repeat the query and the path read.
		const cause = (error as { cause?: Error }).cause ?? (error as Error);
		console.error(`Page cache bypassed: ${cause.message}`);
		renderUncached(waiter);
	}

	/**
	 * Library pages wait for the end of this turn's reads, then share one look at the
	 * database (on SQLite a read of the shared-memory file, the dearest step of a cached
	 * answer; on PostgreSQL one query for the batch's counters). Every
	 * request in the batch was read from its socket before the look, so a change its sender
	 * could have seen committed, in any process, is seen. Read before rendering: a change
	 * committed during a render makes the next request render again.
	 */
	let waiting: CacheableRequest[] = [];
	function answerWaiting(): void {
		const batch = waiting;
		waiting = [];
		const pathnames = batch.map((waiter) => waiter.pathname.replace(/(.)\/+$/, '$1'));
		let look: GenerationsAsLookedAt | Promise<GenerationsAsLookedAt>;
		try {
			look = options.lookAtGenerations(pathnames);
		} catch (error) {
			for (const waiter of batch) bypassCache(waiter, error);
			return;
		}
		if (look instanceof Promise) {
			look.then(
				(generationOf) => answerBatch(batch, pathnames, generationOf),
				(error: unknown) => {
					for (const waiter of batch) bypassCache(waiter, error);
				},
			);
		} else answerBatch(batch, pathnames, look);
	}

	function answerBatch(
		batch: readonly CacheableRequest[],
		pathnames: readonly string[],
		generationOf: GenerationsAsLookedAt,
	): void {
		for (const [index, waiter] of batch.entries()) {
			let generation: number;
			try {
				generation = generationOf(pathnames[index]!);
			} catch (error) {
				bypassCache(waiter, error);
				continue;
			}
			// Not known yet, or not vouched for (PostgreSQL's follower while disconnected): a
			// copy kept at NaN could never be a hit, and looking one up would drop the good one.
			if (Number.isNaN(generation)) renderUncached(waiter);
			else serveCacheable(waiter, generation);
		}
	}

	return (request, response) => {
		if (!HANDLED_METHODS.has(request.method ?? '')) {
			if (request.method === 'OPTIONS') return answer(response, 204, '', { Allow: ALLOW });
			return answer(response, 405, 'This method is not used on this site.', { Allow: ALLOW });
		}
		const target = request.url ?? '/';
		const queryStart = target.indexOf('?');
		const pathname = queryStart === -1 ? target : target.slice(0, queryStart);
		// URL parsers read a backslash, and some an encoded separator, as a slash: such a path
		// means one page to the cache's rules and another to the router. No page needs one.
		if (AMBIGUOUS_SEPARATORS.test(pathname))
			return answer(response, 400, 'This address has characters no page of this site uses.');
		// A body announced as too large is Astro's to refuse, with its own page.
		const announced = Number(request.headers['content-length'] ?? 0);
		if (request.method === 'POST' && announced <= REQUEST_BODY_LIMIT)
			return settle(receiveThenPass(request, response), response);
		const rule = cacheRuleFor(pathname);
		const key = cacheKeyOf(request, target, queryStart, rule, options.sessionCookieName);
		if (!key) return settle(passThrough(request, response), response);
		if (rule === 'asset') return serveCacheable({ request, response, pathname, key, rule }, null);
		if (waiting.length === 0) setImmediate(answerWaiting);
		waiting.push({ request, response, pathname, key, rule });
	};
}
