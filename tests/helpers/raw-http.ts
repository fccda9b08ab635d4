import { connect } from 'node:net';
import { request } from 'node:http';

/**
 * A GET that shows the bytes exactly as sent (fetch would decompress them and hide the
 * encoding); for checking compression and conditional requests.
 */
export function rawGet(
	url: string,
	headers: Record<string, string> = {},
): Promise<{
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}> {
	return new Promise((resolve, reject) => {
		request(url, { headers }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({
					status: response.statusCode!,
					headers: response.headers,
					body: Buffer.concat(chunks),
				}),
			);
			response.on('error', reject);
		})
			.on('error', reject)
			.end();
	});
}

export interface RawAnswer {
	/** 0 when the server closed the connection or stayed silent without an answer. */
	status: number;
	/** Header names in lower case; a repeated header keeps its last value. */
	headers: Record<string, string>;
	body: string;
}

/**
 * Sends one request exactly as written — any method, any request target, backslashes and
 * all — over a fresh connection, for what fetch and node:http would refuse or tidy up.
 */
export function rawRequest(
	baseUrl: string,
	method: string,
	target: string,
	headers: Record<string, string> = {},
	timeoutMs = 10_000,
): Promise<RawAnswer> {
	const { hostname, port } = new URL(baseUrl);
	const head = [`${method} ${target} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
	for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
	return new Promise((resolve) => {
		const socket = connect(Number(port), hostname);
		const chunks: Buffer[] = [];
		const finish = () => {
			clearTimeout(timer);
			const text = Buffer.concat(chunks).toString('latin1');
			const [statusAndHeaders = '', ...rest] = text.split('\r\n\r\n');
			const [statusLine = '', ...headerLines] = statusAndHeaders.split('\r\n');
			const answerHeaders: Record<string, string> = {};
			for (const line of headerLines) {
				const colon = line.indexOf(':');
				if (colon > 0)
					answerHeaders[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
			}
			resolve({
				status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0),
				headers: answerHeaders,
				body: rest.join('\r\n\r\n'),
			});
		};
		const timer = setTimeout(() => socket.destroy(), timeoutMs);
		socket.on('data', (chunk: Buffer) => chunks.push(chunk));
		socket.on('error', () => {});
		socket.on('close', finish);
		socket.write(`${head.join('\r\n')}\r\n\r\n`);
	});
}
