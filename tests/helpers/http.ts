import { inject } from 'vitest';

/** An absolute URL on the shared test server. */
export function siteUrl(path: string, baseUrl = inject('baseUrl')): string {
	return new URL(path, baseUrl).href;
}

/** GET a path on the shared test server without following redirects. */
export function get(path: string, init: RequestInit = {}): Promise<Response> {
	return fetch(siteUrl(path), { redirect: 'manual', ...init });
}

export type FormFields = Record<string, string | string[] | undefined>;

/**
 * POSTs a urlencoded form as a browser would: same-origin `Origin` header unless told
 * otherwise, repeated names for arrays, absent names for `undefined`.
 */
export function postForm(
	path: string,
	fields: FormFields,
	options: { baseUrl?: string; origin?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
	const baseUrl = options.baseUrl ?? inject('baseUrl');
	const body = new URLSearchParams();
	for (const [name, value] of Object.entries(fields)) {
		for (const item of [value ?? []].flat()) body.append(name, item);
	}
	const origin = options.origin === undefined ? new URL(baseUrl).origin : options.origin;
	return fetch(siteUrl(path, baseUrl), {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			...(origin ? { origin } : {}),
			...options.headers,
		},
		body,
	});
}
