import { defineMiddleware, sequence } from 'astro:middleware';
import { cacheControlFor, cacheRuleFor } from './lib/cache-policy';
import { clientAddressForAstro } from './server/http/client-address';
import { FALLBACK_CSP, SECURITY_HEADERS } from './lib/security-headers';
import {
	SESSION_COOKIE_NAME,
	sessionCookieOptions,
	validateModeratorSession,
} from './lib/server/session';

/**
 * Looks up the moderator session, if the request carries one. Readers never have the
 * cookie, so for them this is a single cookie read and nothing is set.
 */
const moderatorSession = defineMiddleware(async (context, next) => {
	context.locals.moderator = null;
	context.locals.moderatorSession = null;
	if (context.isPrerendered) return next();
	const token = context.cookies.get(SESSION_COOKIE_NAME)?.value;
	if (!token) return next();
	const found = await validateModeratorSession(token);
	if (!found) {
		context.cookies.delete(SESSION_COOKIE_NAME, sessionCookieOptions(context.url));
		return next();
	}
	context.locals.moderator = found.moderator;
	context.locals.moderatorSession = found.session;
	if (found.session.fresh) {
		context.cookies.set(
			SESSION_COOKIE_NAME,
			token,
			sessionCookieOptions(context.url, found.session.expiresAt),
		);
	}
	return next();
});

/**
 * Puts the address every per-address limit keys on into `locals`, from the one place that
 * derives it (client-address.ts). Actions read `locals.clientAddress`, never Astro's own.
 */
const clientAddress = defineMiddleware((context, next) => {
	if (!context.isPrerendered) {
		context.locals.clientAddress = clientAddressForAstro(
			context.request.headers,
			() => context.clientAddress,
		);
	}
	return next();
});

/**
 * The error page (500.astro) marks a database out of reach with Retry-After; Astro answers
 * its error page as 500 whatever the page sets, so the status is made 503 here.
 */
function unavailableWhenMarked(response: Response): Response {
	if (response.status !== 500 || !response.headers.has('Retry-After')) return response;
	return new Response(response.body, { status: 503, headers: response.headers });
}

/**
 * Adds the security and caching headers to every response Astro produces. Moderation pages
 * are never cached or indexed (a decision by path; who may see them is the guard's).
 */
const securityHeaders = defineMiddleware(async (context, next) => {
	const response = unavailableWhenMarked(await next());
	// Only a read can be public: the answer to a form post (a reaction on a story page, say)
	// belongs to the one who sent it.
	const { method } = context.request;
	const rule =
		method === 'GET' || method === 'HEAD' ? cacheRuleFor(context.url.pathname) : 'private';
	const cacheControl = cacheControlFor(rule);
	if (cacheControl && (rule === 'private' || response.status === 200)) {
		response.headers.set('Cache-Control', cacheControl);
	}
	if (context.url.pathname.startsWith('/moderate')) response.headers.set('X-Robots-Tag', 'noindex');
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
	// Pages get a policy with script and style hashes from Astro; endpoints get the strict fallback.
	if (!response.headers.has('Content-Security-Policy')) {
		response.headers.set('Content-Security-Policy', FALLBACK_CSP);
	}
	return response;
});

/** The body types our forms send; every action accepts forms only. */
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/**
 * Refuses an action call whose body is not a form (415) before Astro parses it: a body
 * labelled JSON that is not would otherwise end in a 500, and JSON posts skip the origin check.
 */
const formsOnlyForActions = defineMiddleware((context, next) => {
	const { request, url } = context;
	const isAction = url.searchParams.has('_action') || url.pathname.startsWith('/_actions/');
	if (request.method !== 'POST' || !isAction) return next();
	if (FORM_TYPES.test(request.headers.get('content-type') ?? '')) return next();
	return new Response('Please send this form from the page it belongs to.', {
		status: 415,
		headers: { 'Content-Type': 'text/plain; charset=utf-8' },
	});
});

export const onRequest = sequence(
	securityHeaders,
	formsOnlyForActions,
	clientAddress,
	moderatorSession,
);
