import type { ActionError } from 'astro:actions';

/**
 * The form a POST carried, read again so a page can show the writer everything they typed
 * after an error. Actions read a clone, so the body is still unread here. A body refused
 * as too large is not read at all.
 */
export async function readPostedForm(
	request: Request,
	error: ActionError | undefined,
): Promise<FormData | null> {
	if (request.method !== 'POST' || error?.code === 'CONTENT_TOO_LARGE') return null;
	try {
		return await request.formData();
	} catch {
		return null;
	}
}
