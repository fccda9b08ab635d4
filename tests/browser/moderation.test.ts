import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findSeriousAxeViolations, openPage, useBrowser } from '../helpers/browser.ts';
import { createModerator } from '../helpers/moderators.ts';
import { submitStory, validStory } from '../helpers/share.ts';

const browser = useBrowser();

async function signInThroughTheForm(page: Page, username: string, password: string) {
	await page.goto('/moderate');
	await page.waitForURL((url) => url.pathname === '/moderate/login');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => url.pathname === '/moderate');
}

/** Opens a story from the queue by its card link (its title may also appear in near-duplicate flags). */
async function openFromQueue(page: Page, title: string) {
	await page.locator('a[data-queue-link]', { hasText: title }).click();
	await page.waitForURL(
		(url) => /^\/moderate\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/login'),
	);
}

describe('a moderator at work', () => {
	it('signs in, publishes a waiting story and finds it on /stories', async () => {
		const moderator = await createModerator();
		const story = validStory();
		await submitStory(story);
		const { context, page, cspViolations } = await openPage(browser());
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await openFromQueue(page, story.title);
		await page.getByRole('button', { name: 'Publish as the writer set it' }).click();
		await page.waitForURL((url) => url.pathname === '/moderate');
		expect(await page.locator('.notice').textContent()).toMatch(/Published/);
		await page.goto('/stories');
		await page.getByRole('link', { name: story.title }).click();
		await page.waitForURL((url) => url.pathname.startsWith('/stories/shared-'));
		expect(await page.locator('h1').textContent()).toBe(story.title);
		expect(await page.locator('.piece-meta').first().textContent()).toContain('Shared anonymously');
		expect(cspViolations).toEqual([]);
		await context.close();
	});

	it('declines a story with a reason the writer then reads at /my-story', async () => {
		const moderator = await createModerator();
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		const { context, page } = await openPage(browser());
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await openFromQueue(page, story.title);
		await page.getByLabel('Reason for declining').selectOption('identifying-details');
		await page.getByLabel(/Note to the writer/).fill('Please leave out the name of the clinic.');
		await page.getByRole('button', { name: 'Decline', exact: true }).click();
		await page.waitForURL((url) => url.pathname === '/moderate');

		const writer = await openPage(browser(), { javaScriptEnabled: false });
		await writer.page.goto('/my-story');
		await writer.page.getByLabel('Receipt code').fill(receiptCode!);
		await writer.page.getByRole('button', { name: 'Find my story' }).click();
		const reason = writer.page.locator('.decision-reason');
		await expect.poll(() => reason.textContent()).toMatch(/It identifies someone/);
		expect(await reason.textContent()).toContain('Please leave out the name of the clinic.');
		await writer.context.close();
		await context.close();
	});

	it('without JavaScript, asks before publishing identifying details, keeping the redaction made meanwhile', async () => {
		const moderator = await createModerator();
		const email = 'river.walker@example.com';
		const phone = '555-867-5309';
		const story = validStory({
			body: `${validStory().body} Write to ${email} or call ${phone}.`,
		});
		await submitStory(story);
		const { context, page } = await openPage(browser(), { javaScriptEnabled: false });
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await openFromQueue(page, story.title);
		await page.getByRole('button', { name: 'Publish as the writer set it' }).click();

		const confirmation = page.locator('.confirm-publish');
		await confirmation.waitFor();
		expect(await confirmation.locator('li').allTextContents()).toEqual([
			`Email address: ${email}`,
			`Phone number: ${phone}`,
		]);
		await confirmation.getByRole('link', { name: 'Go back and redact' }).click();
		const body = page.getByLabel('Your story');
		await body.fill((await body.inputValue()).replace(email, 'by email'));
		await page.getByRole('button', { name: 'Publish as the writer set it' }).click();
		await confirmation.waitFor();
		expect(await confirmation.locator('li').allTextContents()).toEqual([`Phone number: ${phone}`]);
		expect(await page.getByLabel('Your story').inputValue()).toContain('Write to by email');

		await confirmation.getByRole('button', { name: 'Publish anyway' }).click();
		await page.waitForURL((url) => url.pathname === '/moderate');
		expect(await page.locator('.notice').textContent()).toMatch(/Published/);
		await page.goto('/stories');
		await page.getByRole('link', { name: story.title }).click();
		await page.waitForURL((url) => url.pathname.startsWith('/stories/shared-'));
		const text = await page.locator('main').textContent();
		expect(text).toContain('Write to by email');
		expect(text).not.toContain(email);
		await context.close();
	}, 90_000);

	it('moves through the queue with j and k and publishes with p', async () => {
		const moderator = await createModerator();
		const stories = [validStory(), validStory()];
		for (const story of stories) await submitStory(story);
		const { context, page } = await openPage(browser());
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await page.keyboard.press('j');
		const first = await page.evaluate(() => document.activeElement?.textContent);
		await page.keyboard.press('j');
		const second = await page.evaluate(() => document.activeElement?.textContent);
		expect(first).toBeTruthy();
		expect(second).not.toBe(first);
		await page.keyboard.press('k');
		expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(first);

		await openFromQueue(page, stories[1]!.title);
		await page.locator('.review-story').waitFor();
		await page.keyboard.press('p');
		await page.waitForURL(
			(url) => url.pathname === '/moderate' && url.searchParams.get('done') === 'publish',
		);
		await context.close();
	});

	it('does not take shortcuts while typing in a field', async () => {
		const moderator = await createModerator();
		const story = validStory();
		await submitStory(story);
		const { context, page } = await openPage(browser());
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await openFromQueue(page, story.title);
		await page.getByLabel(/Note to the writer/).focus();
		await page.keyboard.type('p is for patience');
		expect(await page.getByLabel(/Note to the writer/).inputValue()).toBe('p is for patience');
		expect(new URL(page.url()).pathname).toMatch(/^\/moderate\/./);
		await context.close();
	});
});

describe('accessibility of moderation', () => {
	it.each(['light', 'dark'] as const)(
		'the sign-in, queue and review pages have no serious or critical axe violations (%s)',
		async (colorScheme) => {
			const moderator = await createModerator({ admin: true });
			const story = validStory({ body: `${validStory().body} Call me at 555-867-5309.` });
			await submitStory(story);
			const { context, page } = await openPage(browser(), { colorScheme });
			await page.goto('/moderate/login');
			expect(await findSeriousAxeViolations(page), 'sign-in').toEqual([]);
			await signInThroughTheForm(page, moderator.username, moderator.password);
			expect(await findSeriousAxeViolations(page), 'queue').toEqual([]);
			await openFromQueue(page, story.title);
			await page.locator('.review-story').waitFor();
			expect(await page.locator('.review-story mark').first().textContent()).toBe('555-867-5309');
			expect(await findSeriousAxeViolations(page), 'review').toEqual([]);
			await page.getByRole('button', { name: 'Publish as the writer set it' }).click();
			await page.locator('.confirm-publish').waitFor();
			expect(await findSeriousAxeViolations(page), 'publish confirmation').toEqual([]);
			for (const path of ['/moderate/audit', '/moderate/moderators', '/moderate/account']) {
				await page.goto(path);
				expect(await findSeriousAxeViolations(page), path).toEqual([]);
			}
			await context.close();
		},
		// Five pages, each scanned by axe, and a publish: slow on a loaded machine.
		90_000,
	);
});
