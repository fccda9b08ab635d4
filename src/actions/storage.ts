import { ActionError } from 'astro:actions';
import { isStorageFailure } from '../lib/server/storage-failure';

/**
 * Runs a write; when the storage refuses it (disk full, read-only, I/O error), answers 503
 * with `message` instead of a generic 500, so the page can say what happened and keep the text.
 */
export async function unlessStorageFails<T>(
	write: () => T | Promise<T>,
	message: string,
): Promise<T> {
	try {
		return await write();
	} catch (error) {
		if (!isStorageFailure(error)) throw error;
		throw new ActionError({ code: 'SERVICE_UNAVAILABLE', message });
	}
}

export const CHANGE_NOT_SAVED =
	'We could not save that just now: the site cannot store anything at the moment. Nothing was changed; please try again in a few minutes.';
