/**
 * Directives of the Content-Security-Policy besides script-src and style-src, which
 * Astro computes per page (hashes of its inline scripts and styles). Nothing is ever
 * loaded from a third party: readers must not be tracked by anyone.
 */
export const CSP_DIRECTIVES = [
	"default-src 'self'",
	"img-src 'self' data:",
	"font-src 'self'",
	"connect-src 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'",
	"base-uri 'none'",
	"object-src 'none'",
] as const;

/** The policy for responses Astro does not compute one for: endpoints and static files. */
export const FALLBACK_CSP = [...CSP_DIRECTIVES, "script-src 'self'", "style-src 'self'"].join('; ');

/** Headers every response carries, whatever produced it. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'X-Content-Type-Options': 'nosniff',
	// A reader's next site must not learn which story they were reading, nor that they were
	// here at all. `same-origin` sends nothing to other sites, like `no-referrer`, but unlike it
	// lets the browser send a real Origin on our own form posts (with `no-referrer` it sends
	// `Origin: null`, and Astro's origin check then refuses every form).
	'Referrer-Policy': 'same-origin',
	'Permissions-Policy':
		'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'X-Frame-Options': 'DENY',
};
