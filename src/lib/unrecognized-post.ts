/**
 * True for a POST that none of a page's actions answered (a forged or stale action
 * name): the page then says so instead of silently showing an empty form.
 */
export function isUnrecognizedPost(request: Request, results: readonly unknown[]): boolean {
	return request.method === 'POST' && results.every((result) => result === undefined);
}

export const UNRECOGNIZED_POST_PROBLEM =
	'That form could not be processed here. Please check it and send it again.';
