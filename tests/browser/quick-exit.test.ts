import { describe, expect, it } from 'vitest';
import { QUICK_EXIT_URL } from '../../src/lib/settings.ts';
import { openPage, useBrowser } from '../helpers/browser.ts';
import { quickExitLink } from '../helpers/locators.ts';

const browser = useBrowser();
const exitHost = new URL(QUICK_EXIT_URL).hostname;

describe('Leave this site, with JavaScript off', () => {
	it('is a plain link that takes the reader to the neutral page', async () => {
		const { page } = await openPage(browser(), { javaScriptEnabled: false });
		await page.goto('/about');
		await quickExitLink(page).click();
		await page.waitForURL((url) => url.hostname === exitHost);
		expect(await page.title()).toBe('Elsewhere');
	});
});

describe('Leave this site, with JavaScript on', () => {
	it('replaces the current history entry, so Back does not return to the page', async () => {
		const { page, cspViolations, offsiteRequests } = await openPage(browser());
		await page.goto('/');
		await page.goto('/about');
		await quickExitLink(page).click();
		await page.waitForURL((url) => url.hostname === exitHost);
		await page.goBack();
		expect(new URL(page.url()).pathname).toBe('/');
		expect(cspViolations).toEqual([]);
		// The neutral site learns nothing about where the reader came from.
		expect(offsiteRequests.map(({ referer }) => referer)).toEqual([undefined]);
	});

	it('fires when Escape is pressed twice', async () => {
		const { page } = await openPage(browser());
		await page.goto('/about');
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		await page.waitForURL((url) => url.hostname === exitHost);
	});

	it('does not fire on a single Escape', async () => {
		const { page } = await openPage(browser());
		await page.goto('/about');
		await page.keyboard.press('Escape');
		// A second navigation target proves the page stayed: it still answers to the keyboard.
		await page.keyboard.press('Tab');
		await expect
			.poll(() => page.evaluate(() => document.activeElement?.textContent))
			.toMatch(/Skip to content/);
		expect(new URL(page.url()).pathname).toBe('/about');
	});
});

describe('keyboard order', () => {
	it('reaches the skip link first and the quick exit second', async () => {
		const { page } = await openPage(browser());
		await page.goto('/');
		const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim());
		await page.keyboard.press('Tab');
		expect(await focusedText()).toBe('Skip to content');
		await page.keyboard.press('Tab');
		expect(await focusedText()).toMatch(/^Leave this site/);
	});
});
