/**
 * The one place that decides which address a request came from, for the per-address limits.
 *
 * Security: `X-Forwarded-For` is written by whoever sends the request, so a client could put
 * a new address in it on every request and escape every limit. Only the entries appended by
 * proxies we run can be believed: with N trusted hops, the N-th entry from the right is the
 * address the outermost of them saw. With none (the default), the header is ignored and the
 * socket's address is used. The address is never logged or stored: the limits key on an HMAC
 * of it (address-key.ts).
 */

/** Names the runtime setting: how many reverse proxies in front of the server to believe. */
const TRUSTED_PROXY_HOPS_VARIABLE = 'TRUSTED_PROXY_HOPS';

/**
 * The request header the front door puts the address in for Astro (any copy a client sent is
 * replaced first). Internal to this process; never sent anywhere.
 */
export const CLIENT_ADDRESS_HEADER = 'x-common-thread-client-address';

/** `TRUSTED_PROXY_HOPS` from `env`: a whole number, 0 (the default) when unset. */
export function readTrustedProxyHops(env: Record<string, string | undefined>): number {
	const raw = env[TRUSTED_PROXY_HOPS_VARIABLE];
	if (raw === undefined || raw === '') return 0;
	if (!/^\d{1,2}$/.test(raw)) {
		throw new Error(
			`${TRUSTED_PROXY_HOPS_VARIABLE} must be a whole number of 0 or more (the reverse proxies in front of this server), not "${raw}".`,
		);
	}
	return Number(raw);
}

/**
 * The client's address: the socket's with no trusted proxy, else the entry `trustedHops`
 * from the right of `X-Forwarded-For` (repeated headers read as one list), or the socket's
 * when the header has fewer entries than that.
 */
export function clientAddressFrom(
	socketAddress: string | undefined,
	forwardedFor: string | string[] | undefined,
	trustedHops: number,
): string {
	const socket = socketAddress ?? 'unknown';
	if (trustedHops === 0 || forwardedFor === undefined) return socket;
	const entries = [forwardedFor]
		.flat()
		.join(',')
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
	return entries[entries.length - trustedHops] ?? socket;
}

const FRONT_DOOR_SETS_ADDRESS = Symbol.for('common-thread.front-door-sets-client-address');

/** Called by the front door: from now on the address header in this process is its own. */
export function announceFrontDoorSetsClientAddress(): void {
	(globalThis as Record<symbol, unknown>)[FRONT_DOOR_SETS_ADDRESS] = true;
}

/**
 * The address Astro should key limits on. Behind our front door (the production server) the
 * header it set; without it (the dev server) Astro's own socket address. Never the header
 * without the front door: a client could have sent it.
 */
export function clientAddressForAstro(headers: Headers, astroClientAddress: () => string): string {
	const frontDoorActive = (globalThis as Record<symbol, unknown>)[FRONT_DOOR_SETS_ADDRESS] === true;
	const fromFrontDoor = frontDoorActive ? headers.get(CLIENT_ADDRESS_HEADER) : null;
	return fromFrontDoor ?? astroClientAddress();
}
