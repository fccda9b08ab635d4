/**
 * `npm run screenshots [-- --out <folder>]`: pictures of the site for the README, light and
 * dark, 1280 px wide, into docs/screenshots/ (or <folder>). Builds if needed, then drives the
 * browser-test harness against the built server on a throwaway database: a moderator, one
 * published story and one waiting for review are made through the real forms.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchBrowser, openPage } from '../tests/helpers/browser.ts';
import { createModerator, signIn } from '../tests/helpers/moderators.ts';
import { RELAXED_LIMITS } from '../tests/helpers/server-setup.ts';
import { startServer } from '../tests/helpers/server.ts';
import { shareAndPublish } from '../tests/helpers/share.ts';
import { storedSubmission } from '../tests/helpers/stored.ts';
import { buildIfStale, PROJECT_ROOT } from './build.ts';

/** Every picture the command makes, without the `-light.png` / `-dark.png` ending. */
export const SCREENSHOT_NAMES = ['home', 'story', 'share-preview', 'receipt', 'moderation-review'];
const COLOR_SCHEMES = ['light', 'dark'] as const;
const VIEWPORT = { width: 1280, height: 900 };

const PUBLISHED_STORY = {
	title: 'The year I stopped counting days',
	body:
		'For the first month I counted hours, not days. I went to a meeting every evening and mostly sat at the back, ' +
		'holding a paper cup of coffee I never finished.\n\n' +
		'Some nights I left early. Some nights I stayed and stacked the chairs, because it gave my hands something to do. ' +
		'Slowly the evenings got quieter, and one day I noticed I had not thought about a drink since lunch.\n\n' +
		'If you are at the start: the counting helps, and then one day it does not matter as much. Both are fine.',
	penName: 'Harbor',
};

const WAITING_STORY = {
	title: 'What my sponsor told me',
	body:
		'My sponsor Dave said to call him at 555-867-5309 whenever it got loud. I did, more often than I like to admit. ' +
		'He never once sounded tired of me.\n\n' +
		'Two years on, the calls are shorter and mostly about ordinary things: work, his garden, the weather. ' +
		'Now I answer the phone for someone else, and I try to sound the way he did.',
};

async function capture(page: Page, folder: string, name: string): Promise<void> {
	for (const colorScheme of COLOR_SCHEMES) {
		await page.emulateMedia({ colorScheme });
		await page.screenshot({ path: resolve(folder, `${name}-${colorScheme}.png`) });
	}
}

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { out: { type: 'string' } } });
	const folder = resolve(values.out ?? resolve(PROJECT_ROOT, 'docs/screenshots'));
	mkdirSync(folder, { recursive: true });

	buildIfStale();
	const server = await startServer({ env: RELAXED_LIMITS });
	const browser = await launchBrowser();
	const store = server.openStore();
	try {
		const { baseUrl } = server;
		const { row: published } = await shareAndPublish(store, PUBLISHED_STORY, baseUrl);
		const { page } = await openPage(browser, { baseUrl, viewport: VIEWPORT });

		await page.goto('/');
		await capture(page, folder, 'home');
		await page.goto(`/stories/${published.slug}`);
		await capture(page, folder, 'story');

		// The writer's way through: the preview, then the receipt, with the real form.
		await page.goto('/share');
		await page.getByLabel('Title').fill(WAITING_STORY.title);
		await page.getByLabel('Your story', { exact: true }).fill(WAITING_STORY.body);
		await page.getByLabel('Alcohol').check();
		await page.getByLabel(/I agree that my story may be published/).check();
		await page.getByRole('button', { name: 'Preview my story' }).click();
		await page.locator('.preview-story').waitFor();
		await capture(page, folder, 'share-preview');
		await page.getByRole('button', { name: 'Send my story' }).click();
		await page.locator('.receipt').scrollIntoViewIfNeeded();
		await capture(page, folder, 'receipt');

		const moderator = await createModerator({ store });
		const { cookie } = await signIn(moderator.username, moderator.password, baseUrl);
		const [name, value] = cookie!.split('=') as [string, string];
		await page.context().addCookies([{ name, value, url: baseUrl }]);
		const waiting = (await storedSubmission(store, { title: WAITING_STORY.title }))!;
		await page.goto(`/moderate/${waiting.id}`);
		await capture(page, folder, 'moderation-review');
		console.log(`Screenshots written to ${folder}`);
	} finally {
		await store.close();
		await browser.close();
		await server.stop();
	}
}

if (import.meta.main) await main();
