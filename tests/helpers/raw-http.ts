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
