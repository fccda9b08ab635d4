import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import Negotiator from 'negotiator';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this, compression costs more than the bytes it saves. */
const MINIMUM_COMPRESSIBLE_BYTES = 1024;

/** Negotiator 1.x's `encoding`; its types (@types/negotiator) still describe 0.6's. */
type EncodingInServerOrder = (
	available: readonly string[],
	options: { preferred: readonly string[] },
) => string | undefined;

/** Brotli is offered only to a client that names it: a bare `*` gets gzip, which all can read. */
const WITH_BROTLI = ['br', 'gzip', 'identity'];
const WITHOUT_BROTLI = ['gzip', 'identity'];

/**
 * The encoding the client ranks highest (`q`), brotli before gzip when it ranks them equal;
 * `q=0` refuses one. Identity when the client accepts neither.
 */
export function preferredEncoding(acceptEncoding: string | undefined): ContentEncoding {
	if (!acceptEncoding) return 'identity';
	const available = /\bbr\b/i.test(acceptEncoding) ? WITH_BROTLI : WITHOUT_BROTLI;
	const negotiator = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } });
	const chosen = (negotiator.encoding as EncodingInServerOrder).call(negotiator, available, {
		preferred: available,
	});
	return (chosen ?? 'identity') as ContentEncoding;
}

/** `Accept-Encoding` values repeat (each browser sends one of a few): the answers are kept. */
const encodingByHeader = new Map<string, ContentEncoding>();
const REMEMBERED_HEADERS = 256;

/** `preferredEncoding`, remembered for the first few hundred distinct headers. */
export function encodingFor(acceptEncoding: string | undefined): ContentEncoding {
	if (!acceptEncoding) return 'identity';
	let encoding = encodingByHeader.get(acceptEncoding);
	if (!encoding) {
		encoding = preferredEncoding(acceptEncoding);
		if (encodingByHeader.size < REMEMBERED_HEADERS) encodingByHeader.set(acceptEncoding, encoding);
	}
	return encoding;
}

/** Text worth compressing: HTML, CSS, scripts, XML feeds, JSON, SVG. */
export function isCompressible(contentType: string | undefined, byteLength: number): boolean {
	if (byteLength < MINIMUM_COMPRESSIBLE_BYTES || !contentType) return false;
	return /^(text\/|application\/(json|xml|rss\+xml|atom\+xml|javascript|manifest\+json)|image\/svg\+xml)/i.test(
		contentType,
	);
}

/**
 * Compresses off the main thread (zlib runs in libuv's pool). `effort` trades time for
 * size: `stored` bodies are compressed once and sent many times, so they get the best.
 */
export function compress(
	body: Buffer,
	encoding: Exclude<ContentEncoding, 'identity'>,
	effort: 'stored' | 'once',
): Promise<Buffer> {
	if (encoding === 'gzip') return gzipAsync(body, { level: effort === 'stored' ? 9 : 6 });
	return brotli(body, {
		params: {
			[constants.BROTLI_PARAM_QUALITY]: effort === 'stored' ? 11 : 5,
			[constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
		},
	});
}
