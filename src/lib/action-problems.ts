import type { ActionError } from 'astro:actions';

/**
 * The sentence a person sees when an action fails for a reason other than a field:
 * our own messages as written, Astro's technical ones replaced by plain language.
 */
export function describeActionProblem(error: ActionError): string {
	if (error.code === 'CONTENT_TOO_LARGE') {
		return 'That was too much to send at once (more than 64 KB). Stories can be up to 20,000 characters; please shorten it and try again.';
	}
	if (error.code === 'UNSUPPORTED_MEDIA_TYPE' || error.code === 'INTERNAL_SERVER_ERROR') {
		return 'Something went wrong while sending the form. Please try again.';
	}
	return error.message;
}
