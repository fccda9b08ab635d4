import { isInputError, type ActionError } from 'astro:actions';

/**
 * The sentence a person sees when an action fails for a reason other than a field:
 * our own messages as written, Astro's technical ones replaced by plain language.
 */
function describeActionProblem(error: ActionError): string {
	if (error.code === 'CONTENT_TOO_LARGE') {
		return 'That was too much to send at once (more than 64 KB). Stories can be up to 20,000 characters; please shorten it and try again.';
	}
	if (error.code === 'UNSUPPORTED_MEDIA_TYPE' || error.code === 'INTERNAL_SERVER_ERROR') {
		return 'Something went wrong while sending the form. Please try again.';
	}
	return error.message;
}

/** What a page shows after one of its form actions ran (or none did). */
export interface ActionOutcome {
	/** The first error among the page's actions, if any. */
	error: ActionError | undefined;
	/** Messages per field, when the error is about the fields. */
	fieldErrors: Record<string, string[] | undefined>;
	/** The sentence for any other error (see describeActionProblem). */
	problem: string | undefined;
}

/**
 * Reads the results of a page's form actions: the first error sets the response's status
 * (a failed post never answers 200), and is split into field messages or one sentence.
 */
export function readActionOutcome(
	response: { status?: number },
	results: readonly ({ error?: ActionError | undefined } | undefined)[],
): ActionOutcome {
	const error = results.find((result) => result?.error)?.error;
	if (error) response.status = error.status;
	return {
		error,
		fieldErrors: isInputError(error) ? error.fields : {},
		problem: error && !isInputError(error) ? describeActionProblem(error) : undefined,
	};
}
