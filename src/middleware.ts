import { defineMiddleware, sequence } from 'astro:middleware';
import { FALLBACK_CSP, SECURITY_HEADERS } from './lib/security-headers';

/** Adds the security headers to every response Astro produces. */
const securityHeaders = defineMiddleware(async (_context, next) => {
	const response = await next();
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
	// Pages get a policy with script and style hashes from Astro; endpoints get the strict fallback.
	if (!response.headers.has('Content-Security-Policy')) {
		response.headers.set('Content-Security-Policy', FALLBACK_CSP);
	}
	return response;
});

export const onRequest = sequence(securityHeaders);
