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

describe('reader safety controls', () => {
	it('hide stories about chosen topics from lists and keep them folded, remembered in this browser', async () => {
		const { context, page } = await openPage(browser());
		await page.goto('/stories');
		const warned = page.locator('.piece-card[data-warnings~="relapse"]');
		const total = await warned.count();
		expect(total).toBeGreaterThan(0);
		await page.getByText('Hide stories about…').click();
		await page.getByRole('checkbox', { name: 'relapse', exact: true }).check();
		await expect.poll(() => warned.first().isVisible()).toBe(false);
		await page.reload();
		await expect.poll(() => warned.first().isVisible()).toBe(false);
		expect(await page.locator('[data-hidden-count]').first().textContent()).toBe(
			`${total} hidden on this page.`,
		);
		expect(await page.evaluate(() => localStorage.getItem('common-thread:hide-warnings'))).toBe(
			'["relapse"]',
		);
		await context.close();
	});

	it('are not offered without JavaScript, where warned stories are simply folded', async () => {
		const { context, page } = await openPage(browser(), { javaScriptEnabled: false });
		await page.goto('/stories');
		expect(await page.getByText('Hide stories about…').isVisible()).toBe(false);
		expect(await page.locator('.piece-card[data-warnings~="relapse"]').first().isVisible()).toBe(
			true,
		);
		await context.close();
	});

	it('never let the page cover the quick exit, even scrolled to the end', async () => {
		const { context, page } = await openPage(browser(), { viewport: { width: 360, height: 640 } });
		await page.goto(warnedStory.path);
		await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		const onTop = await page.evaluate(() => {
			const exit = document.querySelector('[data-quick-exit]')!.getBoundingClientRect();
			const top = document.elementFromPoint(exit.left + exit.width / 2, exit.top + exit.height / 2);
			return top?.closest('[data-quick-exit]') !== null && exit.top >= 0;
		});
		expect(onTop).toBe(true);
		await context.close();
	});
});

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

describe('reactions', () => {
	const stories = pieces.filter((piece) => piece.path.startsWith('/stories/'));
	const countOf = async (page: import('playwright-core').Page) =>
		Number(/\d+/.exec((await page.locator('#reaction-count-helped').textContent()) ?? '')![0]);

	it('work without JavaScript: the form posts and the story comes back with the new count', async () => {
		const { context, page } = await openPage(browser(), { javaScriptEnabled: false });
		await page.goto(stories[0]!.path);
		const before = await countOf(page);
		await page.getByRole('button', { name: 'This helped me' }).click();
		await page.waitForURL(/_action=reactToStory/);
		expect(await page.locator('h1').textContent()).toBe(stories[0]!.title);
		expect(await countOf(page)).toBe(before + 1);
		expect(await page.locator('[data-reaction-status]').textContent()).toMatch(/added/);
		await context.close();
	});

	it('update in place with JavaScript, without leaving the page', async () => {
		const { context, page } = await openPage(browser(), { javaScriptEnabled: true });
		await page.goto(stories[1]!.path);
		const before = await countOf(page);
		await page.locator('#reactions-heading').scrollIntoViewIfNeeded();
		await page.getByRole('button', { name: 'This helped me' }).click();
		await expect.poll(() => page.locator('[data-reaction-status]').textContent()).toMatch(/added/);
		expect(await countOf(page)).toBe(before + 1);
		expect(page.url()).not.toContain('_action');
		await page.getByRole('button', { name: 'This helped me' }).click();
		await expect
			.poll(() => page.locator('[data-reaction-status]').textContent())
			.toMatch(/counts once/);
		expect(await countOf(page)).toBe(before + 1);
		await page.reload();
		expect(await countOf(page)).toBe(before + 1);
		await context.close();
	});
});
