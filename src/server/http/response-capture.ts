/**
 * Lets a handler write its response into memory instead of the socket (the front door keeps
 * and compresses what Astro renders), and gives the response its socket back.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface CapturedResponse {
	status: number;
	headers: OutgoingHttpHeaders;
	body: Buffer;
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
	if (Buffer.isBuffer(chunk)) return chunk;
	if (typeof chunk === 'string')
		return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
	const view = chunk as ArrayBufferView;
	return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Gives `response` back its own writeHead, write and end, so what is written reaches the socket. */
export function releaseResponse(response: ServerResponse): void {
	delete (response as Partial<ServerResponse>).writeHead;
	delete (response as Partial<ServerResponse>).write;
	delete (response as Partial<ServerResponse>).end;
}

/**
 * Lets `handler` write its response into memory instead of the socket, so it can be
 * compressed and kept. Resolves `null` if the response is abandoned (client gone, render
 * failed mid-stream). The response object stays the real one: whatever the handler reads
 * from it (request, socket, headers) behaves as usual.
 */
export function captureResponse(response: ServerResponse): Promise<CapturedResponse | null> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		const restore = () => releaseResponse(response);
		response.once('close', () => {
			restore();
			resolve(null);
		});
		response.writeHead = (status: number, ...rest: unknown[]) => {
			response.statusCode = status;
			const headers = rest.find((argument) => typeof argument === 'object' && argument !== null);
			if (Array.isArray(headers)) {
				for (const [name, value] of headers as [string, string][]) response.setHeader(name, value);
			} else if (headers) {
				for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
					if (value !== undefined) response.setHeader(name, value);
				}
			}
			return response;
		};
		response.write = ((chunk: unknown, encoding?: unknown, callback?: () => void) => {
			if (chunk != null) chunks.push(toBuffer(chunk, encoding));
			const done = typeof encoding === 'function' ? encoding : callback;
			if (done) process.nextTick(done);
			return true;
		}) as ServerResponse['write'];
		response.end = ((chunk?: unknown, encoding?: unknown, callback?: () => void) => {
			if (typeof chunk === 'function') [chunk, callback] = [undefined, chunk as () => void];
			if (chunk != null) chunks.push(toBuffer(chunk, encoding));
			const done = typeof encoding === 'function' ? encoding : callback;
			restore();
			resolve({
				status: response.statusCode,
				headers: response.getHeaders(),
				body: Buffer.concat(chunks),
			});
			if (done) process.nextTick(done);
			return response;
		}) as ServerResponse['end'];
	});
}
