import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_FAILURES_PER_ADDRESS } from '../../src/lib/sign-in-throttle.ts';
import { postFormFrom } from '../helpers/from-address.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { fetchFormToken, shareAndPublish, validStory } from '../helpers/share.ts';

/**
 * Every per-address limit, reached by one client that puts a new address in X-Forwarded-For
 * on every request. Each test is a different machine: its requests leave from a loopback
 * address of its own (127.0.0.x), which is what the server's socket sees.
 */
const LIMIT = 2;
const LOW_LIMITS = {
	SUBMISSION_MINIMUM_FILL_SECONDS: '0',
	LIMIT_SUBMISSIONS_PER_ADDRESS_PER_HOUR: String(LIMIT),
	LIMIT_PREVIEWS_PER_ADDRESS_PER_HOUR: String(LIMIT),
	LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS_PER_HOUR: String(LIMIT),
	LIMIT_REACTIONS_PER_ADDRESS_PER_HOUR: String(LIMIT),
	REPORTS_TO_HIDE_STORY: String(LIMIT),
};

interface Answer {
	status: number;
	body: string;
}

/** POSTs a form from `localAddress`, with `forwardedFor` as X-Forwarded-For when given. */
function postFrom(
	server: RunningServer,
	localAddress: string,
	path: string,
	fields: Record<string, string | string[]>,
	forwardedFor?: string,
): Promise<Answer> {
	return postFormFrom(localAddress, path, fields, {
		baseUrl: server.baseUrl,
		headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
	});
}

let rotation = 0;
/** A client-supplied X-Forwarded-For value never sent before. */
const rotatingAddress = () => `203.0.113.${(rotation = (rotation + 1) % 250) + 1}`;

type Limited = (
	server: RunningServer,
	from: string,
	forwardedFor: () => string | undefined,
) => Promise<Answer>;

/** One request that each limit counts, and whether its answer says "limited". */
const LIMITS: Record<string, { attempts: number; send: Limited; limited: (a: Answer) => boolean }> =
	{
		submission: {
			attempts: LIMIT,
			send: async (server, from, forwardedFor) =>
				postFrom(
					server,
					from,
					'/share?_action=shareStory',
					{ ...validStory(), formToken: await fetchFormToken(server.baseUrl), intent: 'submit' },
					forwardedFor(),
				),
			limited: (answer) => answer.status === 429,
		},
		preview: {
			attempts: LIMIT,
			send: (server, from, forwardedFor) =>
				postFrom(
					server,
					from,
					'/share?_action=shareStory',
					{ ...(validStory() as Record<string, string>), intent: 'preview' },
					forwardedFor(),
				),
			limited: (answer) => answer.status === 429,
		},
		'receipt look-up': {
			attempts: LIMIT,
			send: (server, from, forwardedFor) =>
				postFrom(server, from, '/my-story?_action=lookUpMyStory', { code: 'nope' }, forwardedFor()),
			limited: (answer) => answer.status === 429,
		},
		'moderator sign-in': {
			attempts: SIGN_IN_FAILURES_PER_ADDRESS,
			send: (server, from, forwardedFor) =>
				postFrom(
					server,
					from,
					'/moderate/login?_action=signIn',
					{ username: `nobody${rotatingAddress().replace(/\D/g, '')}`, password: 'wrong wrong' },
					forwardedFor(),
				),
			limited: (answer) => answer.status === 429,
		},
	};

describe.each([
	{ hops: '0', proxy: undefined },
	{ hops: '1', proxy: '198.51.100.' },
])('with TRUSTED_PROXY_HOPS=$hops', ({ hops, proxy }) => {
	let server: RunningServer;
	let clientNumber = 1;
	beforeAll(async () => {
		server = await startServer({ env: { ...LOW_LIMITS, TRUSTED_PROXY_HOPS: hops } });
	});
	afterAll(() => server.stop());

	/**
	 * A new client: with no proxy, a machine of its own talking to the server directly; behind
	 * the one trusted proxy (every request from 127.0.0.1), the address that proxy appends.
	 */
	function newClient() {
		clientNumber += 1;
		const own = `127.0.0.${clientNumber}`;
		const seenByProxy = `${proxy}${clientNumber}`;
		return {
			from: proxy ? '127.0.0.1' : own,
			/** The client's forged entries, then (behind the proxy) the one the proxy added. */
			rotating: () => (proxy ? `${rotatingAddress()}, ${seenByProxy}` : rotatingAddress()),
		};
	}

	it.each(Object.entries(LIMITS))(
		'holds the %s limit against a rotating X-Forwarded-For, and keys on the right address',
		async (_name, { attempts, send, limited }) => {
			const client = newClient();
			for (let attempt = 0; attempt < attempts; attempt++) {
				expect(limited(await send(server, client.from, client.rotating))).toBe(false);
			}
			expect(limited(await send(server, client.from, client.rotating))).toBe(true);
			// Someone else (another machine, or another address behind the proxy) is not held back.
			const other = newClient();
			expect(limited(await send(server, other.from, other.rotating))).toBe(false);
		},
	);

	it('counts reactions from one client once against the limit, however the header rotates', async () => {
		const store = server.openStore();
		try {
			const { row } = await shareAndPublish(store, {}, server.baseUrl);
			const react = (client: ReturnType<typeof newClient>) =>
				postFrom(
					server,
					client.from,
					`/stories/${row.slug}?_action=reactToStory`,
					{ slug: row.slug!, reaction: 'helped' },
					client.rotating(),
				);
			const client = newClient();
			for (let attempt = 0; attempt < LIMIT; attempt++)
				expect((await react(client)).status).toBe(200);
			expect((await react(client)).status).toBe(429);
			expect((await react(newClient())).status).toBe(200);
		} finally {
			await store.close();
		}
	});

	it('hides a story only after reports from distinct readers, however the header rotates', async () => {
		const store = server.openStore();
		try {
			const { row } = await shareAndPublish(store, {}, server.baseUrl);
			const report = (client: ReturnType<typeof newClient>) =>
				postFrom(
					server,
					client.from,
					`/stories/${row.slug}?_action=reportStory`,
					{ slug: row.slug!, reason: 'identifying-details' },
					client.rotating(),
				);
			const storyPage = async () =>
				(await fetch(new URL(`/stories/${row.slug}`, server.baseUrl))).status;
			const client = newClient();
			for (let attempt = 0; attempt < LIMIT; attempt++)
				expect((await report(client)).status).toBe(200);
			expect(await storyPage()).toBe(200);
			// One more distinct reader reaches the threshold: the story is hidden (410) at once.
			for (let reader = 1; reader < LIMIT; reader++) await report(newClient());
			expect(await storyPage()).toBe(410);
		} finally {
			await store.close();
		}
	});
});

describe('the address header the front door uses internally', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ env: { ...LOW_LIMITS, TRUSTED_PROXY_HOPS: '0' } });
	});
	afterAll(() => server.stop());

	it('cannot be sent by a client to escape a limit', async () => {
		const answers: number[] = [];
		for (let attempt = 0; attempt <= LIMIT; attempt++) {
			const answer = await new Promise<number>((resolve, reject) => {
				const url = new URL('/my-story?_action=lookUpMyStory', server.baseUrl);
				request(
					url,
					{
						method: 'POST',
						localAddress: '127.0.0.200',
						headers: {
							'content-type': 'application/x-www-form-urlencoded',
							origin: url.origin,
							'x-common-thread-client-address': rotatingAddress(),
						},
					},
					(response) => {
						response.resume();
						response.on('end', () => resolve(response.statusCode!));
					},
				)
					.on('error', reject)
					.end('code=nope');
			});
			answers.push(answer);
		}
		expect(answers).toEqual([...Array(LIMIT).fill(404), 429]);
	});
});
