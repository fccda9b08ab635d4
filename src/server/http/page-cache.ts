import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { compress, isCompressible, type ContentEncoding } from './http-encoding.ts';

type Compression = Exclude<ContentEncoding, 'identity'>;
const EVERY_COMPRESSION: readonly Compression[] = ['gzip', 'br'];

/** A response kept by the page cache, with its compressed forms made once. */
export interface CachedPage {
	headers: OutgoingHttpHeaders;
	body: Buffer;
	/** Whether compressed forms are worth making; each is `null` until made. */
	compressible: boolean;
	gzip: Buffer | null;
	br: Buffer | null;
	etag: string;
	/**
	 * The complete header lists for a full answer in each encoding and for a 304, as flat
	 * name/value arrays: a cache hit is one `writeHead` with no per-header work.
	 */
	headerLists: Record<'identity' | 'gzip' | 'br' | 'notModified', string[]>;
	/** The library generation it was rendered at; `null` for assets, which never go stale. */
	generation: number | null;
	storedAt: number;
}

/** Headers that describe one transfer, not the page; the cache sets its own. */
const TRANSFER_HEADERS = [
	'content-length',
	'content-encoding',
	'transfer-encoding',
	'connection',
	'keep-alive',
	'date',
	'etag',
	'last-modified',
	'vary',
];

/**
 * A page ready to keep. `effort: 'once'` compresses fast, for the answer someone is waiting
 * for; `'stored'` compresses best, for a copy that will be sent many times. `compressions`
 * are the forms made now (the one a waiting client asked for, say); the others stay `null`
 * and are sent uncompressed until a later build makes them.
 */
export async function buildCachedPage(
	headers: OutgoingHttpHeaders,
	body: Buffer,
	generation: number | null,
	now = Date.now(),
	effort: 'once' | 'stored' = 'stored',
	compressions: readonly Compression[] = EVERY_COMPRESSION,
): Promise<CachedPage> {
	const kept: OutgoingHttpHeaders = { ...headers };
	for (const name of TRANSFER_HEADERS) delete kept[name];
	const compressible = isCompressible(String(kept['content-type'] ?? ''), body.byteLength);
	const made = (encoding: Compression) =>
		compressible && compressions.includes(encoding) ? compress(body, encoding, effort) : null;
	const [gzip, br] = await Promise.all([made('gzip'), made('br')]);
	const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
	const common = ['ETag', etag, 'X-Page-Cache', 'hit'];
	if (compressible) common.push('Vary', 'Accept-Encoding');
	const flat = Object.entries(kept).flatMap(([name, value]) =>
		[value ?? []].flat().flatMap((item) => [name, String(item)]),
	);
	const full = (encoding: string | null, payload: Buffer) => [
		...flat,
		...common,
		...(encoding ? ['Content-Encoding', encoding] : []),
		'Content-Length',
		String(payload.byteLength),
	];
	const headerLists = {
		identity: full(null, body),
		gzip: gzip ? full('gzip', gzip) : [],
		br: br ? full('br', br) : [],
		notModified: [...common, 'Cache-Control', String(kept['cache-control'] ?? 'no-cache')],
	};
	return {
		headers: kept,
		body,
		compressible,
		gzip,
		br,
		etag,
		headerLists,
		generation,
		storedAt: now,
	};
}

function sizeOf(page: CachedPage): number {
	return page.body.byteLength + (page.gzip?.byteLength ?? 0) + (page.br?.byteLength ?? 0);
}

/**
 * Rendered pages by URL, least recently used first out once `maxBytes` is reached. A
 * library page is served only while its generation is current and it is younger than
 * `maxAgeMs` (a safety net: nothing should change a page without a new generation).
 */
export class PageCache {
	readonly #pages = new Map<string, CachedPage>();
	readonly #maxBytes: number;
	readonly #maxAgeMs: number;
	#bytes = 0;

	constructor(options: { maxBytes: number; maxAgeMs: number }) {
		this.#maxBytes = options.maxBytes;
		this.#maxAgeMs = options.maxAgeMs;
	}

	get(key: string, generation: number | null, now = Date.now()): CachedPage | undefined {
		const page = this.#pages.get(key);
		if (!page) return undefined;
		const stale =
			page.generation !== generation ||
			(page.generation !== null && now - page.storedAt > this.#maxAgeMs);
		if (stale) {
			this.delete(key);
			return undefined;
		}
		// Map order is the recency order: move this page to the young end.
		this.#pages.delete(key);
		this.#pages.set(key, page);
		return page;
	}

	set(key: string, page: CachedPage): void {
		const size = sizeOf(page);
		if (size > this.#maxBytes) return;
		this.delete(key);
		this.#pages.set(key, page);
		this.#bytes += size;
		for (const [oldestKey] of this.#pages) {
			if (this.#bytes <= this.#maxBytes) break;
			this.delete(oldestKey);
		}
	}

	/** Puts `next` in place of `current`, unless the entry changed meanwhile. */
	replace(key: string, current: CachedPage, next: CachedPage): void {
		if (this.#pages.get(key) === current) this.set(key, next);
	}

	delete(key: string): void {
		const page = this.#pages.get(key);
		if (!page) return;
		this.#pages.delete(key);
		this.#bytes -= sizeOf(page);
	}

	get byteSize(): number {
		return this.#bytes;
	}
}
