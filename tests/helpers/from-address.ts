import { request } from 'node:http';
import type { FormFields } from './http.ts';

/**
 * POSTs a urlencoded form from a chosen loopback address (127.0.0.2, 127.0.0.3…): the
 * server sees it as the socket's address, so one test can act as several clients.
 */
export function postFormFrom(
	localAddress: string,
	path: string,
	fields: FormFields,
	options: { baseUrl: string; cookie?: string; headers?: Record<string, string> },
): Promise<{ status: number; location: string | null; body: string }> {
	const body = new URLSearchParams();
	for (const [name, value] of Object.entries(fields)) {
		for (const item of [value ?? []].flat()) body.append(name, item);
	}
	const url = new URL(path, options.baseUrl);
	return new Promise((resolve, reject) => {
		request(
			url,
			{
				method: 'POST',
				localAddress,
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					origin: url.origin,
					...(options.cookie ? { cookie: options.cookie } : {}),
					...options.headers,
				},
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode!,
						location: response.headers.location ?? null,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', reject);
			},
		)
			.on('error', reject)
			.end(body.toString());
	});
}
