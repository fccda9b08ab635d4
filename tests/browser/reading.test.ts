import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useBrowser } from '../helpers/browser.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { contentWarningFolds, contentWarningNotices, quickExitLink } from '../helpers/locators.ts';

const browser = useBrowser();
const pieces = publishedSourcePieces();
const warnedStory = pieces.find(
	(piece) => piece.path.startsWith('/stories/') && piece.contentWarnings.length > 0,
)!;

/** The story's first paragraph, which the fold keeps from view until opened (hidden ones included). */
const firstFoldedParagraph = (page: Page) =>
	contentWarningFolds(page).getByRole('paragraph', { includeHidden: true }).first();

/** Cards in a list whose note reads "Content warning: …" with `label` among the warnings. */
const cardsWarnedFor = (page: Page, label: string) =>
	page.getByRole('article').filter({
		has: page.getByText(new RegExp(`^Content warning: (.+, )?${label}(,|$)`)),
	});

describe.each([
	['off', false],
	['on', true],
] as const)(
	'reading a story with a content warning, JavaScript %s',
	(_label, javaScriptEnabled) => {
		it('shows the warning first and the story only once the reader opens it', async () => {
			const { page } = await openPage(browser(), { javaScriptEnabled });
			await page.goto(warnedStory.path);
			const notice = contentWarningNotices(page);
			// A role query walks the whole page: wait for it, not a one-second poll.
			await notice.waitFor();
			expect(await notice.textContent()).toMatch(/Content warning/);
			const storyText = firstFoldedParagraph(page);
			expect(await storyText.isVisible()).toBe(false);
			await notice.click();
			await storyText.waitFor();
			expect(await storyText.isVisible()).toBe(true);
		});

		it('can be opened from the keyboard', async () => {
			const { page } = await openPage(browser(), { javaScriptEnabled });
			await page.goto(warnedStory.path);
			// Tabs to the fold, as a keyboard user would, then opens it.
			let onFold = false;
			for (let step = 0; step < 60 && !onFold; step++) {
				await page.keyboard.press('Tab');
				onFold = await page.evaluate(
					() => document.activeElement?.textContent?.trim().startsWith('Content warning:') ?? false,
				);
			}
			expect(onFold).toBe(true);
			await page.keyboard.press('Enter');
			await firstFoldedParagraph(page).waitFor();
			expect(await firstFoldedParagraph(page).isVisible()).toBe(true);
		});
	},
);

describe('reader safety controls', () => {
	it('hide stories about chosen topics from lists and keep them folded, remembered in this browser', async () => {
		const { page } = await openPage(browser());
		await page.goto('/stories');
		// Hidden cards drop out of the accessibility tree, so this counts the ones still shown.
		const warned = cardsWarnedFor(page, 'relapse');
		const total = await warned.count();
		expect(total).toBeGreaterThan(0);
		await page.getByText('Hide stories about…').click();
		await page.getByRole('checkbox', { name: 'relapse', exact: true }).check();
		await expect.poll(() => warned.count()).toBe(0);
		await page.reload();
		await expect.poll(() => warned.count()).toBe(0);
		// The count is announced from inside the (now closed) preferences fold.
		const preferences = page.getByRole('group').filter({ hasText: /^Hide stories about…/ });
		expect(
			await preferences.first().getByRole('status', { includeHidden: true }).textContent(),
		).toBe(`${total} hidden on this page.`);
		expect(await page.evaluate(() => localStorage.getItem('common-thread:hide-warnings'))).toBe(
			'["relapse"]',
		);
	});

	it('are not offered without JavaScript, where warned stories are simply folded', async () => {
		const { page } = await openPage(browser(), { javaScriptEnabled: false });
		await page.goto('/stories');
		expect(await page.getByText('Hide stories about…').isVisible()).toBe(false);
		expect(await cardsWarnedFor(page, 'relapse').first().isVisible()).toBe(true);
	});

	it('never let the page cover the quick exit, even scrolled to the end', async () => {
		const { page } = await openPage(browser(), { viewport: { width: 360, height: 640 } });
		await page.goto(warnedStory.path);
		await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		const onTop = await quickExitLink(page).evaluate((link) => {
			const exit = link.getBoundingClientRect();
			const top = document.elementFromPoint(exit.left + exit.width / 2, exit.top + exit.height / 2);
			return top !== null && link.contains(top) && exit.top >= 0;
		});
		expect(onTop).toBe(true);
	});
});

describe('keyboard-only reading', () => {
	it('skips to the content, then moves through the story list to a story', async () => {
		const { page } = await openPage(browser());
		await page.goto('/stories');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
		const cardLinks = page.getByRole('main').getByRole('article').getByRole('link');
		let reachedStory = false;
		for (let step = 0; step < 40 && !reachedStory; step++) {
			await page.keyboard.press('Tab');
			reachedStory = await cardLinks.evaluateAll((links) =>
				links.includes(document.activeElement as HTMLElement),
			);
		}
		expect(reachedStory).toBe(true);
		const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => url.pathname === href);
	});
});

describe('screenshots', () => {
	it.each(['light', 'dark'] as const)(
		'keeps the home page and a story in the %s scheme under test-results/',
		async (colorScheme) => {
			mkdirSync('test-results', { recursive: true });
			for (const [name, path, width] of [
				['home', '/', 1280],
				['story', warnedStory.path, 390],
			] as const) {
				const { page } = await openPage(browser(), {
					colorScheme,
					viewport: { width, height: 900 },
				});
				await page.goto(path);
				const screenshot = await page.screenshot({
					path: `test-results/${name}-${colorScheme}.png`,
					fullPage: true,
				});
				expect(screenshot.byteLength).toBeGreaterThan(10_000);
			}
		},
	);
});

describe('reactions', () => {
	const stories = pieces.filter((piece) => piece.path.startsWith('/stories/'));
	const reactions = (page: Page) => page.getByRole('region', { name: 'Did this story reach you?' });
	/** The count a reader sees beside "This helped me". */
	const countOf = async (page: Page) => {
		const choice = reactions(page)
			.getByRole('listitem')
			.filter({ has: page.getByRole('button', { name: 'This helped me' }) });
		return Number(/\d+/.exec((await choice.textContent()) ?? '')![0]);
	};
	const statusOf = (page: Page) => reactions(page).getByRole('status');

	it('work without JavaScript: the form posts and the story comes back with the new count', async () => {
		const { page } = await openPage(browser(), { javaScriptEnabled: false });
		await page.goto(stories[0]!.path);
		const before = await countOf(page);
		await page.getByRole('button', { name: 'This helped me' }).click();
		await page.waitForURL(/_action=reactToStory/);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(stories[0]!.title);
		expect(await countOf(page)).toBe(before + 1);
		expect(await statusOf(page).textContent()).toMatch(/added/);
	});

	it('update in place with JavaScript, without leaving the page', async () => {
		const { page } = await openPage(browser(), { javaScriptEnabled: true });
		await page.goto(stories[1]!.path);
		const before = await countOf(page);
		await page.getByRole('heading', { name: 'Did this story reach you?' }).scrollIntoViewIfNeeded();
		await page.getByRole('button', { name: 'This helped me' }).click();
		await expect.poll(() => statusOf(page).textContent()).toMatch(/added/);
		expect(await countOf(page)).toBe(before + 1);
		expect(page.url()).not.toContain('_action');
		await page.getByRole('button', { name: 'This helped me' }).click();
		await expect.poll(() => statusOf(page).textContent()).toMatch(/counts once/);
		expect(await countOf(page)).toBe(before + 1);
		await page.reload();
		expect(await countOf(page)).toBe(before + 1);
	});
});
