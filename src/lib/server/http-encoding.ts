import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this, compression costs more than the bytes it saves. */
const MINIMUM_COMPRESSIBLE_BYTES = 1024;

/** The best encoding the client accepts (brotli, then gzip); `q=0` refuses one. */
export function preferredEncoding(acceptEncoding: string | undefined): ContentEncoding {
	if (!acceptEncoding) return 'identity';
	const accepted = new Set<string>();
	for (const part of acceptEncoding.toLowerCase().split(',')) {
		const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim());
		const quality = parameters.find((parameter) => parameter.startsWith('q='));
		if (quality && Number(quality.slice(2)) === 0) continue;
		accepted.add(name);
	}
	if (accepted.has('br')) return 'br';
	if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
	return 'identity';
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
