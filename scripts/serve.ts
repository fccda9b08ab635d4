/**
 * The production server: migrates the database, then serves the built site.
 * Run through `npm start` (which builds first when needed). The build bundles this file
 * into `dist/serve.mjs` (bundle-server.ts); that bundle is what runs.
 *
 * It wraps the adapter's standalone handler in our own `node:http` server so that
 * every response — static files included — carries the security headers and leaves
 * compressed, public pages are answered from the page cache (front-door.ts) without
 * entering Astro, and the database is migrated before the first request is accepted.
 * With DATABASE_URL it runs on PostgreSQL (README, Running on PostgreSQL), else on SQLite.
 */
import { createServer } from 'node:http';
import { getStore } from '../db/store.ts';
import { readSubmissionLimits } from '../src/lib/server/limits.ts';
import { readTrustedProxyHops } from '../src/server/http/client-address.ts';
import { countActiveModerators } from '../src/lib/server/moderators.ts';
import { createFrontDoor } from '../src/server/http/front-door.ts';
import { startDeletingEndedLimitRows } from '../src/lib/server/ended-limit-rows.ts';
import { answerClientError, refuseTunnel } from '../src/server/http/socket-answers.ts';
import { readDeclinedRetentionDays, startDailyPurge } from '../src/lib/server/retention.ts';
import { openStorage } from '../src/lib/server/serving-storage.ts';
import { SESSION_COOKIE_NAME } from '../src/lib/server/session.ts';
import { FALLBACK_CSP, SECURITY_HEADERS } from '../src/lib/security-headers.ts';

// Refuse to start on a mistyped limit rather than run with a surprising one.
readSubmissionLimits(process.env);
const declinedRetentionDays = readDeclinedRetentionDays(process.env);
const trustedProxyHops = readTrustedProxyHops(process.env);

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 4321);

const storage = await openStorage();
// Declined stories lose their text after the retention period, and the day's reader marks
// at midnight (SECURITY.md).
startDailyPurge(getStore(), declinedRetentionDays);
// On PostgreSQL, rate-limit rows go when their windows end, whether or not anyone comes back.
startDeletingEndedLimitRows(getStore());
if ((await countActiveModerators()) === 0) {
	console.log('No moderator yet: add one with `npm run moderator -- add <username> --admin`.');
}

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
// A URL from this source file's place: the bundle keeps each module's own import.meta.url.
const entry = new URL('../dist/server/entry.mjs', import.meta.url).href;
const { handler } = (await import(entry)) as {
	handler: (
		request: import('node:http').IncomingMessage,
		response: import('node:http').ServerResponse,
	) => void;
};

const frontDoor = createFrontDoor(handler, {
	lookAtGenerations: storage.lookAtGenerations,
	sessionCookieName: SESSION_COOKIE_NAME,
	// Pages replace the policy with their own; static files keep the strict one.
	defaultHeaders: { ...SECURITY_HEADERS, 'Content-Security-Policy': FALLBACK_CSP },
	trustedProxyHops,
});

// Deliberately no request logging: addresses and user agents must never reach a log.
const server = createServer(frontDoor);
server.on('connect', (_request, socket) => refuseTunnel(socket));
server.on('clientError', answerClientError);

server.listen(port, host, () => {
	const address = server.address();
	const actualPort = typeof address === 'object' && address ? address.port : port;
	console.log(`Common Thread is listening on http://${host}:${actualPort}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		server.close(() => {
			storage.close().then(
				() => process.exit(0),
				(error: unknown) => {
					console.error(`Closing the database failed: ${(error as Error).message}`);
					process.exit(1);
				},
			);
		});
		server.closeAllConnections();
	});
}
