import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findSeriousAxeViolations, openPage, useBrowser } from '../helpers/browser.ts';
import { pieceArticle } from '../helpers/locators.ts';
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

/** A queue card's title link (the title may also appear as a link in another card's near-duplicate flag). */
const queueLink = (page: Page, title: string) =>
	page.getByRole('heading', { name: title, exact: true }).getByRole('link');

/** The review page's copy of the story, where identifying details are marked. */
const storyUnderReview = (page: Page) => page.getByRole('region', { name: 'The story' });

/**
 * Highlighted text (`<mark>`, ARIA role "mark"). Playwright finds the role; its types do not
 * list it yet.
 */
const MARK_ROLE = 'mark' as Parameters<Page['getByRole']>[0];

/** The step that lists identifying details still in a story before it is published. */
const publishConfirmation = (page: Page) =>
	page.getByRole('region', { name: 'Identifying details are still in this story' });

async function openFromQueue(page: Page, title: string) {
	await queueLink(page, title).click();
	await page.waitForURL(
		(url) => /^\/moderate\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/login'),
	);
}

describe('a moderator at work', () => {
	it('signs in, starts reviewing, publishes a waiting story and finds it on /stories', async () => {
		const moderator = await createModerator();
		const story = validStory();
		await submitStory(story);
		const { page, cspViolations } = await openPage(browser());
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await openFromQueue(page, story.title);
		await page.getByRole('button', { name: 'Start reviewing' }).click();
		await page.getByRole('status').filter({ hasText: 'You are reviewing this story' }).waitFor();
		expect(await page.getByRole('button', { name: 'Start reviewing' }).count()).toBe(0);
		await page.getByRole('button', { name: 'Publish as the writer set it' }).click();
		await page.waitForURL((url) => url.pathname === '/moderate');
		expect(await page.getByRole('status').textContent()).toMatch(/Published/);
		await page.goto('/stories');
		await page.getByRole('link', { name: story.title }).click();
		await page.waitForURL((url) => url.pathname.startsWith('/stories/shared-'));
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(story.title);
		// Labelled as a reader's story in the piece's own header, not only in a related card.
		expect(
			await pieceArticle(page).getByText('Shared anonymously', { exact: true }).isVisible(),
		).toBe(true);
		expect(cspViolations).toEqual([]);
	});

	it('declines a story with a reason the writer then reads at /my-story', async () => {
		const moderator = await createModerator();
		const story = validStory();
		const { receiptCode } = await submitStory(story);
		const { page } = await openPage(browser());
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
		const reason = writer.page.getByRole('blockquote');
		await reason.waitFor();
		expect(await reason.textContent()).toMatch(/It identifies someone/);
		expect(await reason.textContent()).toContain('Please leave out the name of the clinic.');
	});

	it('without JavaScript, asks before publishing identifying details, keeping the redaction made meanwhile', async () => {
		const moderator = await createModerator();
		const email = 'river.walker@example.com';
		const phone = '555-867-5309';
		const story = validStory({
			body: `${validStory().body} Write to ${email} or call ${phone}.`,
		});
		await submitStory(story);
		const { page } = await openPage(browser(), { javaScriptEnabled: false });
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await openFromQueue(page, story.title);
		await page.getByRole('button', { name: 'Publish as the writer set it' }).click();

		const confirmation = publishConfirmation(page);
		await confirmation.waitFor();
		expect(await confirmation.getByRole('listitem').allTextContents()).toEqual([
			`Email address: ${email}`,
			`Phone number: ${phone}`,
		]);
		await confirmation.getByRole('link', { name: 'Go back and redact' }).click();
		const body = page.getByLabel('Your story');
		await body.fill((await body.inputValue()).replace(email, 'by email'));
		await page.getByRole('button', { name: 'Publish as the writer set it' }).click();
		await confirmation.waitFor();
		expect(await confirmation.getByRole('listitem').allTextContents()).toEqual([
			`Phone number: ${phone}`,
		]);
		expect(await page.getByLabel('Your story').inputValue()).toContain('Write to by email');

		await confirmation.getByRole('button', { name: 'Publish anyway' }).click();
		await page.waitForURL((url) => url.pathname === '/moderate');
		expect(await page.getByRole('status').textContent()).toMatch(/Published/);
		await page.goto('/stories');
		await page.getByRole('link', { name: story.title }).click();
		await page.waitForURL((url) => url.pathname.startsWith('/stories/shared-'));
		const text = await page.getByRole('main').textContent();
		expect(text).toContain('Write to by email');
		expect(text).not.toContain(email);
	}, 90_000);

	it('moves through the queue with j and k and publishes with p', async () => {
		const moderator = await createModerator();
		const stories = [validStory(), validStory()];
		for (const story of stories) await submitStory(story);
		const { page } = await openPage(browser());
		await signInThroughTheForm(page, moderator.username, moderator.password);
		const focusedText = () => page.evaluate(() => document.activeElement?.textContent);
		// The queue's cards, in order, by their title headings.
		const cardTitles = await page
			.getByRole('heading', { level: 2 })
			.getByRole('link')
			.allTextContents();
		await page.keyboard.press('j');
		const first = await focusedText();
		await page.keyboard.press('j');
		const second = await focusedText();
		expect(first).toBe(cardTitles[0]);
		expect(second).toBe(cardTitles[1]);
		await page.keyboard.press('k');
		expect(await focusedText()).toBe(first);

		await openFromQueue(page, stories[1]!.title);
		await storyUnderReview(page).waitFor();
		await page.keyboard.press('p');
		await page.waitForURL(
			(url) => url.pathname === '/moderate' && url.searchParams.get('done') === 'publish',
		);
		expect(await page.getByRole('status').textContent()).toMatch(/Published/);
	});

	it('does not take shortcuts while typing in a field', async () => {
		const moderator = await createModerator();
		const story = validStory();
		await submitStory(story);
		const { page } = await openPage(browser());
		await signInThroughTheForm(page, moderator.username, moderator.password);
		await openFromQueue(page, story.title);
		const note = page.getByLabel(/Note to the writer/);
		await note.focus();
		await page.keyboard.type('p is for patience');
		expect(await note.inputValue()).toBe('p is for patience');
		// Declining next proves the typed p published nothing: a publish would have left this
		// page (or made the decline a conflict) before the decline could land.
		await page.getByLabel('Reason for declining').selectOption('identifying-details');
		await page.getByRole('button', { name: 'Decline', exact: true }).click();
		await page.waitForURL(
			(url) => url.pathname === '/moderate' && url.searchParams.get('done') === 'decline',
		);
		expect(await page.getByRole('status').textContent()).toMatch(/Declined/);
	});
});

describe('accessibility of moderation', () => {
	it.each(['light', 'dark'] as const)(
		'the sign-in, queue and review pages have no serious or critical axe violations (%s)',
		async (colorScheme) => {
			const moderator = await createModerator({ admin: true });
			const story = validStory({ body: `${validStory().body} Call me at 555-867-5309.` });
			await submitStory(story);
			const { page } = await openPage(browser(), { colorScheme });
			await page.goto('/moderate/login');
			expect(await findSeriousAxeViolations(page), 'sign-in').toEqual([]);
			await signInThroughTheForm(page, moderator.username, moderator.password);
			expect(await findSeriousAxeViolations(page), 'queue').toEqual([]);
			await openFromQueue(page, story.title);
			await storyUnderReview(page).waitFor();
			expect(await storyUnderReview(page).getByRole(MARK_ROLE).first().textContent()).toBe(
				'555-867-5309',
			);
			expect(await findSeriousAxeViolations(page), 'review').toEqual([]);
			await page.getByRole('button', { name: 'Publish as the writer set it' }).click();
			await publishConfirmation(page).waitFor();
			expect(await findSeriousAxeViolations(page), 'publish confirmation').toEqual([]);
			for (const path of ['/moderate/audit', '/moderate/moderators', '/moderate/account']) {
				await page.goto(path);
				expect(await findSeriousAxeViolations(page), path).toEqual([]);
			}
		},
		// Five pages, each scanned by axe, and a publish: slow on a loaded machine.
		90_000,
	);
});
