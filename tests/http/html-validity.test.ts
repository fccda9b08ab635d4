import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'node-html-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { get, postForm } from '../helpers/http.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { createModerator, signIn } from '../helpers/moderators.ts';
import { fetchFormToken, shareAndPublish, submitStory, validStory } from '../helpers/share.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const run = promisify(execFile);
const VNU_JAR = join(
	createRequire(import.meta.url).resolve('vnu-jar/package.json'),
	'../build/dist/vnu.jar',
);

const store = openSharedServerStore();
afterAll(() => store.close());

/** A story body with links the sanitizer keeps and drops, emphasis, a list and a quote. */
const TRICKY_BODY = `${validStory().body}

[a meeting](/meetings) [my sponsor's page](https://sponsor.example/page) and **bold** after it.

- [home](javascript:alert(1)) *then* \`code\`
- [mail me](mailto:someone@example.org) **strong**

> [quoted](//evil.example) and <b>raw</b> text`;

interface NuMessage {
	type: string;
	url?: string;
	message: string;
	extract?: string;
	lastLine?: number;
}

/** Every page a visitor, a writer and a moderator can reach, as the server sends it. */
async function crawl(): Promise<Record<string, string>> {
	const pages: Record<string, string> = {};
	const fetchPage = async (name: string, path: string, init: RequestInit = {}) => {
		const response = await get(path, init);
		pages[name] = await response.text();
		return response;
	};
	const curated = publishedSourcePieces();
	const strategy = curated.find((piece) => piece.path.startsWith('/strategies/'))!;
	const story = curated.find((piece) => piece.path.startsWith('/stories/'))!;
	const { row: community } = await shareAndPublish(store, { body: TRICKY_BODY });
	const { row: withdrawn, receiptCode } = await shareAndPublish(store);
	await postForm('/my-story?_action=withdrawMyStory', { code: receiptCode, intent: 'withdraw' });

	for (const [name, path] of [
		['home', '/'],
		['stories', '/stories'],
		['stories-page-2', '/stories?page=2'],
		['strategies', '/strategies'],
		['topics', '/topics'],
		['about', '/about'],
		['transparency', '/transparency'],
		['guidelines', '/guidelines'],
		['strategy', strategy.path],
		['curated-story', story.path],
		['community-story', `/stories/${community.slug}`],
		['search', '/search?q=meeting'],
		['search-empty', '/search?q=zzqqxxnothing'],
		['share', '/share'],
		['my-story', '/my-story'],
		['moderate-login', '/moderate/login'],
		['not-found', '/no-such-page'],
		['gone', `/stories/${withdrawn.slug}`],
	] as const) {
		await fetchPage(name, path);
	}
	const topicPath = parse(pages.topics!)
		.querySelector('main a[href^="/topics/"]')!
		.getAttribute('href')!;
	await fetchPage('topic', topicPath);

	const formToken = await fetchFormToken();
	const preview = (body: string) =>
		postForm('/share?_action=shareStory', {
			formToken,
			...validStory({ body }),
			intent: 'preview',
		});
	pages['share-preview'] = await (await preview(validStory().body)).text();
	pages['share-preview-dropped-link'] = await (await preview(TRICKY_BODY)).text();
	const { receiptCode: waitingCode, html: receipt } = await submitStory(
		validStory({ body: TRICKY_BODY }),
	);
	pages['share-receipt'] = receipt;
	pages['my-story-found'] = await (
		await postForm('/my-story?_action=lookUpMyStory', { code: waitingCode! })
	).text();

	const moderator = await createModerator({ admin: true });
	const { cookie } = await signIn(moderator.username, moderator.password);
	const signedIn = { headers: { cookie: cookie! } };
	await fetchPage('moderation-queue', '/moderate', signedIn);
	await fetchPage('moderation-published', '/moderate?tab=published', signedIn);
	const waiting = parse(pages['moderation-queue']!)
		.querySelectorAll('a[data-queue-link]')
		.map((link) => link.getAttribute('href')!);
	await fetchPage('moderation-review', waiting.at(-1)!, signedIn);
	await fetchPage('moderation-review-published', `/moderate/${community.id}`, signedIn);
	await fetchPage('moderation-audit', '/moderate/audit', signedIn);
	await fetchPage('moderation-account', '/moderate/account', signedIn);
	await fetchPage('moderation-moderators', '/moderate/moderators', signedIn);
	return pages;
}

describe('every page', () => {
	it('passes the W3C Nu HTML checker with no errors', async () => {
		const pages = await crawl();
		expect(Object.keys(pages).length).toBeGreaterThanOrEqual(29);
		const folder = mkdtempSync(join(tmpdir(), 'common-thread-vnu-'));
		try {
			// A page known to be broken proves the checker ran and read the files.
			const canary =
				'<!DOCTYPE html><html lang="en"><title>x</title><p><a href="https://a.example">y</span></p>';
			const files = Object.entries({ ...pages, canary }).map(([name, html]) => {
				const file = join(folder, `${name}.html`);
				writeFileSync(file, html);
				return file;
			});
			// One JVM for every page: starting Java is the slow part.
			const result = await run(
				'java',
				['-jar', VNU_JAR, '--format', 'json', '--errors-only', ...files],
				{
					maxBuffer: 16 * 1024 * 1024,
				},
			).catch((error: { stderr: string }) => error);
			const { messages } = JSON.parse(result.stderr || '{"messages":[]}') as {
				messages: NuMessage[];
			};
			const errors = messages.filter((message) => message.type === 'error');
			expect(errors.some((message) => message.url?.endsWith('/canary.html'))).toBe(true);
			const pageErrors = errors
				.filter((message) => !message.url?.endsWith('/canary.html'))
				.map(
					(message) =>
						`${message.url?.split('/').pop()}:${message.lastLine}: ${message.message} — ${message.extract?.trim()}`,
				);
			expect(pageErrors).toEqual([]);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	}, 240_000);
});
