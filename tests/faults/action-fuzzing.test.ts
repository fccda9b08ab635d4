import { and, count, eq, ne, or, sql } from 'drizzle-orm';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { sqliteStore } from '../../db/store.ts';
import { submissionReceipts, submissions } from '../../db/schema.ts';
import { CONTENT_WARNING_SLUGS, MILESTONE_SLUGS, TOPIC_SLUGS } from '../../src/lib/taxonomy.ts';
import { DECLINE_REASONS } from '../../src/lib/guidelines.ts';
import { REPORT_REASONS } from '../../src/lib/server/reports.ts';
import { createModerator, signIn } from '../helpers/moderators.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { FAULT_LIMITS, formTokenFrom, sendStory, uniqueStory } from './support.ts';

/** Runs per action: 18 actions × 100 requests take 15-30 s on two cores. */
const RUNS_PER_ACTION = Number(process.env.FUZZ_RUNS_PER_ACTION) || 100;

let server: RunningServer;
let database: Database;
/** Known-good values the generators mix in, so that runs get past validation to the handlers. */
const known = {
	formToken: '',
	receiptCode: '',
	moderatorCookie: '',
	username: '',
	reviewId: '',
	publishedSlug: '',
};

beforeAll(async () => {
	server = await startServer({ env: FAULT_LIMITS });
	database = openDatabase(server.databasePath);
	known.formToken = await formTokenFrom(server.baseUrl);
	const forWriter = await sendStory(server.baseUrl, known.formToken, uniqueStory('fuzz-writer'));
	known.receiptCode = forWriter.receiptCode!;
	const forReview = await sendStory(server.baseUrl, known.formToken, uniqueStory('fuzz-review'));
	const toPublish = await sendStory(server.baseUrl, known.formToken, uniqueStory('fuzz-publish'));

	const moderator = await createModerator({ admin: true, store: sqliteStore(database) });
	known.username = moderator.username;
	known.moderatorCookie = (
		await signIn(moderator.username, moderator.password, server.baseUrl)
	).cookie!;
	const idOf = (title: string) =>
		database.select().from(submissions).where(eq(submissions.title, title)).get()!;
	const published = idOf(toPublish.story.title);
	const decided = await post(
		`/moderate/${published.id}`,
		'decideStory',
		[
			['id', published.id],
			['version', String(published.version)],
			['decision', 'publish'],
		],
		'urlencoded',
		true,
	);
	expect(decided.status).toBe(302);
	known.publishedSlug = idOf(toPublish.story.title).slug!;
	known.reviewId = idOf(forReview.story.title).id;
});
afterAll(async () => {
	database?.$client.close();
	if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output());
	await server?.stop();
});

type Encoding = 'urlencoded' | 'multipart' | 'malformed' | 'wrong-type';
const MALFORMED_TAILS = ['%', '%FF%FE', 'title=%E0%A4%A', '=%00', '&&&', 'a=1=2', '%ZZ'];
const WRONG_TYPES = [
	'application/json',
	'text/plain',
	'application/octet-stream',
	'multipart/form-data',
	'multipart/form-data; boundary=nothing-here',
];

/** POSTs one form the way a broken browser, a bot or an attacker might. */
async function post(
	path: string,
	action: string,
	pairs: [string, string][],
	encoding: Encoding,
	asModerator: boolean,
	variant = 0,
): Promise<Response> {
	const headers: Record<string, string> = { origin: new URL(server.baseUrl).origin };
	if (asModerator) headers.cookie = known.moderatorCookie;
	let body: string | FormData;
	const encoded = new URLSearchParams(pairs).toString();
	if (encoding === 'multipart') {
		body = new FormData();
		for (const [name, value] of pairs) body.append(name, value);
	} else if (encoding === 'malformed') {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = `${encoded}&${MALFORMED_TAILS[variant % MALFORMED_TAILS.length]}`;
	} else if (encoding === 'wrong-type') {
		headers['content-type'] = WRONG_TYPES[variant % WRONG_TYPES.length]!;
		// Mislabelled bodies, JSON or not, are refused whole (415).
		body = variant % 2 === 0 ? JSON.stringify(pairs) : encoded;
	} else {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = encoded;
	}
	return fetch(new URL(`${path}?_action=${action}`, server.baseUrl), {
		method: 'POST',
		redirect: 'manual',
		headers,
		body,
	});
}

/** Any text at all: short, long, unicode, lone surrogates, control characters, numbers, markup. */
const anyText = fc.oneof(
	{ weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
	{ weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 400 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			'',
			' ',
			'0',
			'-1',
			'1.5',
			'1e999',
			'NaN',
			'true',
			'on',
			'null',
			'[]',
			'{}',
			'__proto__',
			'constructor',
			'<script>alert(1)</script>',
			"' OR 1=1 --",
			'\u0000',
			'\u202e\ufeff',
			'🧵'.repeat(60),
			'123456',
		),
	},
	{ weight: 1, arbitrary: fc.integer().map(String) },
	// Up to past the 64 KB body limit and the 20,000-character story limit.
	{ weight: 1, arbitrary: fc.integer({ min: 100, max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

const VALID_STORY = uniqueStory('fuzz-base');

interface Target {
	action: string;
	path: () => string;
	asModerator: boolean;
	/** Each field's plausible values; the generators also drop, repeat and replace them. */
	fields: Record<string, () => fc.Arbitrary<string>>;
}

const storyFields: Target['fields'] = {
	title: () => fc.constant(VALID_STORY.title),
	body: () => fc.constant(VALID_STORY.body),
	penName: () => fc.constantFrom('Harbor', '', 'A'.repeat(41)),
	topics: () => fc.constantFrom(...TOPIC_SLUGS),
	contentWarnings: () => fc.constantFrom(...CONTENT_WARNING_SLUGS),
	milestone: () => fc.constantFrom(...MILESTONE_SLUGS, ''),
};

const TARGETS: Target[] = [
	{
		action: 'shareStory',
		path: () => '/share',
		asModerator: false,
		fields: {
			...storyFields,
			consent: () => fc.constantFrom('on', 'true', 'false', ''),
			intent: () => fc.constantFrom('preview', 'edit', 'submit'),
			formToken: () => fc.constant(known.formToken),
			website: () => fc.constantFrom('', 'http://spam.example'),
		},
	},
	{
		action: 'lookUpMyStory',
		path: () => '/my-story',
		asModerator: false,
		fields: { code: () => fc.constant(known.receiptCode) },
	},
	{
		action: 'reviseMyStory',
		path: () => '/my-story',
		asModerator: false,
		fields: {
			code: () => fc.constant(known.receiptCode),
			...storyFields,
			intent: () => fc.constantFrom('preview', 'edit', 'submit'),
		},
	},
	{
		action: 'withdrawMyStory',
		path: () => '/my-story',
		asModerator: false,
		fields: {
			code: () => fc.constant(known.receiptCode),
			intent: () => fc.constantFrom('confirm', 'withdraw'),
		},
	},
	{
		action: 'reportStory',
		path: () => `/stories/${known.publishedSlug}`,
		asModerator: false,
		fields: {
			slug: () => fc.constant(known.publishedSlug),
			reason: () => fc.constantFrom(...Object.keys(REPORT_REASONS)),
			note: () => fc.constantFrom('', 'It names a person.'),
		},
	},
	{
		action: 'reactToStory',
		path: () => `/stories/${known.publishedSlug}`,
		asModerator: false,
		fields: {
			slug: () => fc.constant(known.publishedSlug),
			reaction: () => fc.constantFrom('helped', 'strength'),
		},
	},
	{
		action: 'signIn',
		path: () => '/moderate/login',
		asModerator: false,
		fields: {
			username: () => fc.constant(known.username),
			password: () => fc.constantFrom('wrong-password', ''),
		},
	},
	{ action: 'signOut', path: () => '/moderate/login', asModerator: false, fields: {} },
	{
		action: 'verifySignInCode',
		path: () => '/moderate/login/verify',
		asModerator: true,
		fields: { code: () => fc.constantFrom('123456', '000000', 'ABCD-EFGH') },
	},
	{
		action: 'decideStory',
		path: () => `/moderate/${known.reviewId}`,
		asModerator: true,
		fields: {
			id: () => fc.constant(known.reviewId),
			version: () => fc.constantFrom('1', '2', '3', '0', '-1', '1.5'),
			decision: () =>
				fc.constantFrom(
					'publish',
					'publish-with-warnings',
					'decline',
					'second-opinion',
					'unpublish',
					'restore',
				),
			contentWarnings: () => fc.constantFrom(...CONTENT_WARNING_SLUGS),
			reason: () => fc.constantFrom(...DECLINE_REASONS.map((reason) => reason.slug)),
			note: () => fc.constantFrom('', 'Thank you for writing.'),
		},
	},
	{
		action: 'editStory',
		path: () => `/moderate/${known.reviewId}`,
		asModerator: true,
		fields: {
			id: () => fc.constant(known.reviewId),
			version: () => fc.constantFrom('1', '2', '3'),
			...storyFields,
		},
	},
	{
		action: 'startReviewing',
		path: () => `/moderate/${known.reviewId}`,
		asModerator: true,
		fields: { id: () => fc.constantFrom(known.reviewId, 'no-such-id') },
	},
	{
		action: 'resolveStoryReports',
		path: () => `/moderate/${known.reviewId}`,
		asModerator: true,
		fields: {
			id: () => fc.constant(known.reviewId),
			resolution: () => fc.constantFrom('Checked; nothing identifying.', 'ok', ''),
		},
	},
	{
		action: 'bulkDeclineStories',
		path: () => '/moderate',
		asModerator: true,
		fields: {
			ids: () => fc.constantFrom(known.reviewId, 'no-such-id'),
			reason: () => fc.constantFrom(...DECLINE_REASONS.map((reason) => reason.slug)),
		},
	},
	{
		action: 'disableModeratorAccount',
		path: () => '/moderate/moderators',
		asModerator: true,
		fields: { username: () => fc.constantFrom(known.username, 'nobody') },
	},
	{
		action: 'setSecondFactorRequirement',
		path: () => '/moderate/moderators',
		asModerator: true,
		fields: { required: () => fc.constantFrom('true', 'false', 'on', '') },
	},
	{
		action: 'enrolSecondFactor',
		path: () => '/moderate/account',
		asModerator: true,
		fields: {
			key: () =>
				fc.constantFrom('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='),
			code: () => fc.constantFrom('123456', '000000'),
		},
	},
	{
		action: 'removeSecondFactor',
		path: () => '/moderate/account',
		asModerator: true,
		fields: { code: () => fc.constantFrom('123456', 'AAAA-BBBB') },
	},
];

/** A form for `target`: its fields kept, dropped, repeated or replaced, plus strangers. */
function formFor(target: Target): fc.Arbitrary<[string, string][]> {
	const names = Object.keys(target.fields);
	const field = (name: string) =>
		fc.oneof({ weight: 3, arbitrary: target.fields[name]!() }, { weight: 2, arbitrary: anyText });
	const ownFields = names.map((name) =>
		fc
			.oneof(
				{ weight: 4, arbitrary: field(name).map((value) => [value]) },
				{ weight: 1, arbitrary: fc.constant([] as string[]) },
				{ weight: 1, arbitrary: fc.array(field(name), { minLength: 2, maxLength: 6 }) },
			)
			.map((values) => values.map((value): [string, string] => [name, value])),
	);
	const strangerName = fc.oneof(
		fc.constantFrom('_action', '__proto__', 'constructor', 'a[b]', '', 'id', 'formToken'),
		fc.string({ unit: 'grapheme', maxLength: 20 }),
	);
	const strangers = fc.array(fc.tuple(strangerName, anyText), { maxLength: 4 });
	return fc
		.tuple(fc.tuple(...ownFields), strangers, fc.boolean())
		.chain(([own, extra, shuffled]) => {
			const pairs = [...own.flat(), ...extra];
			return shuffled
				? fc.shuffledSubarray(pairs, { minLength: pairs.length })
				: fc.constant(pairs);
		});
}

const encoding = fc.oneof(
	{ weight: 10, arbitrary: fc.constant<Encoding>('urlencoded') },
	{ weight: 3, arbitrary: fc.constant<Encoding>('multipart') },
	{ weight: 1, arbitrary: fc.constant<Encoding>('malformed') },
	{ weight: 1, arbitrary: fc.constant<Encoding>('wrong-type') },
);

/** Rows no finished write can leave: a story without its text, or without any receipt. */
function partialRows(): number {
	const withoutText = database
		.select({ total: count() })
		.from(submissions)
		.where(
			and(
				ne(submissions.status, 'withdrawn'),
				or(eq(submissions.title, ''), eq(submissions.body, ''), eq(submissions.bodyHtml, '')),
			),
		)
		.get()!.total;
	const withoutReceipt = database
		.select({ total: count() })
		.from(submissions)
		.where(
			sql`not exists (select 1 from ${submissionReceipts} where ${submissionReceipts.submissionId} = ${submissions.id})`,
		)
		.get()!.total;
	return withoutText + withoutReceipt;
}

const storedRows = () => database.select({ total: count() }).from(submissions).get()!.total;

/** The actions the site defines, read from the sources, so a new one cannot be left out. */
function definedActions(): string[] {
	const folder = join(import.meta.dirname, '../../src/actions');
	return readdirSync(folder).flatMap((file) =>
		Array.from(
			readFileSync(join(folder, file), 'utf8').matchAll(/^\t(\w+): defineAction\(/gm),
			(match) => match[1]!,
		),
	);
}

describe('fuzzing every action with random forms', () => {
	it('covers every action the site defines', () => {
		expect(TARGETS.map((target) => target.action).toSorted()).toEqual(definedActions().toSorted());
	});

	it.each(TARGETS.map((target) => [target.action, target] as const))(
		'%s answers 2xx-4xx to anything, and leaves no partial row',
		async (_name, target) => {
			await fc.assert(
				fc.asyncProperty(
					formFor(target),
					encoding,
					fc.nat(),
					async (pairs, bodyEncoding, variant) => {
						const rowsBefore = storedRows();
						const response = await post(
							target.path(),
							target.action,
							pairs,
							bodyEncoding,
							target.asModerator,
							variant,
						);
						const text = await response.text();
						expect(response.status).toBeGreaterThanOrEqual(200);
						expect(response.status).toBeLessThan(500);
						expect(text).not.toMatch(/SQLITE_|Failed query/);
						expect(partialRows()).toBe(0);
						// Only an accepted story adds a row, and only one; nothing refused leaves a trace.
						const accepted = target.action === 'shareStory' && response.status === 200;
						expect(accepted ? [0, 1] : [0]).toContain(storedRows() - rowsBefore);
					},
				),
				{ numRuns: RUNS_PER_ACTION },
			);
		},
	);
});

/** Inputs the fuzzing once found answered with a server error; each fixed, kept as a regression test. */
describe('inputs that once got a server error', () => {
	it('refuses an action post whose body is not a form with 415', async () => {
		const response = await fetch(new URL('/share?_action=shareStory', server.baseUrl), {
			method: 'POST',
			headers: { origin: new URL(server.baseUrl).origin, 'content-type': 'application/json' },
			body: 'title=not+json',
		});
		expect(response.status).toBe(415);
	});

	it('answers enrolSecondFactor with a key that is not base64 with a 4xx', async () => {
		const response = await post(
			'/moderate/account',
			'enrolSecondFactor',
			[
				['key', 'not base64'],
				['code', '123456'],
			],
			'urlencoded',
			true,
		);
		expect(response.status).toBeLessThan(500);
	});

	it('answers enrolSecondFactor with a key too long for a QR code with a 4xx', async () => {
		const response = await post(
			'/moderate/account',
			'enrolSecondFactor',
			[
				['key', 'A'.repeat(4_000)],
				['code', '123456'],
			],
			'urlencoded',
			true,
		);
		expect(response.status).toBeLessThan(500);
	});
});
