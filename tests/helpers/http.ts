import { inject } from 'vitest';

/** An absolute URL on the shared test server. */
export function siteUrl(path: string): string {
	return new URL(path, inject('baseUrl')).href;
}

/** GET a path on the shared test server without following redirects. */
export function get(path: string, init: RequestInit = {}): Promise<Response> {
	return fetch(siteUrl(path), { redirect: 'manual', ...init });
}
