import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openPage, useBrowser } from '../helpers/browser.ts';
import { publishedSourcePieces } from '../helpers/library.ts';

const browser = useBrowser();
const pieces = publishedSourcePieces();
const warnedStory = pieces.find(
	(piece) => piece.path.startsWith('/stories/') && piece.contentWarnings.length > 0,
)!;

describe.each([
	['off', false],
	['on', true],
] as const)(
	'reading a story with a content warning, JavaScript %s',
	(_label, javaScriptEnabled) => {
		it('shows the warning first and the story only once the reader opens it', async () => {
			const { context, page } = await openPage(browser(), { javaScriptEnabled });
			await page.goto(warnedStory.path);
			const notice = page.locator('details.content-warning summary');
			await expect.poll(() => notice.isVisible()).toBe(true);
			expect(await notice.textContent()).toMatch(/Content warning/);
			const storyText = page.locator('details.content-warning .prose p').first();
			expect(await storyText.isVisible()).toBe(false);
			await notice.click();
			await expect.poll(() => storyText.isVisible()).toBe(true);
			await context.close();
		});

		it('can be opened from the keyboard', async () => {
			const { context, page } = await openPage(browser(), { javaScriptEnabled });
			await page.goto(warnedStory.path);
			await page.locator('details.content-warning summary').focus();
			await page.keyboard.press('Enter');
			await expect
				.poll(() => page.locator('details.content-warning .prose p').first().isVisible())
				.toBe(true);
			await context.close();
		});
	},
);

describe('keyboard-only reading', () => {
	it('skips to the content, then moves through the story list to a story', async () => {
		const { context, page } = await openPage(browser());
		await page.goto('/stories');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
		let reachedStory = false;
		for (let step = 0; step < 40 && !reachedStory; step++) {
			await page.keyboard.press('Tab');
			reachedStory = await page.evaluate(() => !!document.activeElement?.closest('.piece-card'));
		}
		expect(reachedStory).toBe(true);
		const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => url.pathname === href);
		await context.close();
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
				const { context, page } = await openPage(browser(), {
					colorScheme,
					viewport: { width, height: 900 },
				});
				await page.goto(path);
				const screenshot = await page.screenshot({
					path: `test-results/${name}-${colorScheme}.png`,
					fullPage: true,
				});
				expect(screenshot.byteLength).toBeGreaterThan(10_000);
				await context.close();
			}
		},
	);
});
