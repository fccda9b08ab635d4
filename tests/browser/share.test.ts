import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { QUICK_EXIT_URL } from '../../src/lib/settings.ts';
import { findSeriousAxeViolations, openPage, useBrowser } from '../helpers/browser.ts';
import { quickExitLink } from '../helpers/locators.ts';

const browser = useBrowser();

const STORY_BODY =
	'The first month I counted hours, not days. My sponsor Dave said to call him at 555-867-5309 whenever it got loud. ' +
	'I went to a meeting every evening and mostly sat at the back. Some nights I left early; some nights I stayed for coffee. '.repeat(
		3,
	);

/** The preview's list of what the checks found. */
const checks = (page: Page) => page.getByRole('region', { name: 'Before you send it' });
const receipt = (page: Page) => page.getByRole('region', { name: 'Your receipt code' });
const receiptCode = (page: Page) => receipt(page).getByRole('code');
const statusHeading = (page: Page) => page.getByRole('heading', { name: /^Status:/ });

/** What assistive technology reads after a field's label: the texts its aria-describedby names. */
function descriptionsOf(field: Locator): Promise<string[]> {
	return field.evaluate((element) =>
		(element.getAttribute('aria-describedby') ?? '')
			.split(/\s+/)
			.filter(Boolean)
			.map((id) => document.getElementById(id)?.textContent ?? ''),
	);
}

async function fillStory(page: Page, title: string) {
	await page.getByLabel('Title').fill(title);
	await page.getByLabel('Your story', { exact: true }).fill(STORY_BODY);
	await page.getByLabel('Pen name').fill('Lark');
	await page.getByLabel('Alcohol').check();
	await page.getByLabel('Early recovery').check();
	await page.getByLabel(/I agree that my story may be published/).check();
}

describe.each([
	['off', false],
	['on', true],
] as const)('sharing a story with JavaScript %s', (_label, javaScriptEnabled) => {
	it('previews with warnings, goes back to edit without losing anything, and ends on a receipt at /share', async () => {
		const { page, cspViolations } = await openPage(browser(), { javaScriptEnabled });
		await page.goto('/share');
		const title = `Counting hours, not days (${javaScriptEnabled ? 'js' : 'no-js'})`;
		await fillStory(page, title);
		await page.getByRole('button', { name: 'Preview my story' }).click();

		await expect
			.poll(() => page.getByRole('heading', { level: 1 }).textContent())
			.toMatch(/Check your story/);
		expect(await checks(page).textContent()).toContain('555-867-5309');
		expect(await checks(page).textContent()).toContain('Dave');
		const preview = page.getByRole('region', { name: 'How your story will look' });
		expect(await preview.getByRole('article').textContent()).toContain(title);

		await page.getByRole('button', { name: 'Go back and edit' }).click();
		await expect.poll(() => page.getByLabel('Title').inputValue()).toBe(title);
		expect(await page.getByLabel('Your story', { exact: true }).inputValue()).toBe(STORY_BODY);
		expect(await page.getByLabel('Alcohol').isChecked()).toBe(true);
		expect(await page.getByLabel(/I agree/).isChecked()).toBe(true);

		await page.getByRole('button', { name: 'Preview my story' }).click();
		await page.getByRole('button', { name: 'Send my story' }).click();
		await expect
			.poll(() => receiptCode(page).textContent())
			.toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
		expect(new URL(page.url()).pathname).toBe('/share');
		expect(cspViolations).toEqual([]);
	});

	it('keeps everything typed when the server refuses the form', async () => {
		const { page } = await openPage(browser(), { javaScriptEnabled });
		await page.goto('/share');
		await page.getByLabel('Title').fill('Hi');
		await page.getByLabel('Your story', { exact: true }).fill('Only a few words so far.');
		await page.getByLabel('Gambling').check();
		await page.getByRole('button', { name: 'Preview my story' }).click();
		await expect.poll(() => page.getByRole('alert').isVisible()).toBe(true);
		// The error is read out with the Title field itself.
		expect((await descriptionsOf(page.getByLabel('Title'))).join(' ')).toMatch(
			/at least 5 characters/,
		);
		expect(await page.getByLabel('Title').inputValue()).toBe('Hi');
		expect(await page.getByLabel('Your story', { exact: true }).inputValue()).toBe(
			'Only a few words so far.',
		);
		expect(await page.getByLabel('Gambling').isChecked()).toBe(true);
	});
});

describe('with JavaScript', () => {
	it('counts characters live', async () => {
		const { page } = await openPage(browser());
		await page.goto('/share');
		const body = page.getByLabel('Your story', { exact: true });
		await body.fill('x'.repeat(120));
		// The count is part of the field's description, so a screen reader hears it too.
		await expect
			.poll(() => descriptionsOf(body))
			.toContain('120 of 20,000 characters — 180 more needed');
	});

	it('warns before leaving a page with unsent text, stores nothing in the browser, and never blocks the quick exit', async () => {
		const { context, page } = await openPage(browser());
		await page.goto('/share');
		await page
			.getByLabel('Your story', { exact: true })
			.fill('Something I have never said out loud.');
		const dialogs: string[] = [];
		page.on('dialog', async (dialog) => {
			dialogs.push(dialog.type());
			await dialog.dismiss();
		});
		await page.goto('/about').catch(() => undefined);
		expect(dialogs).toEqual(['beforeunload']);
		expect(new URL(page.url()).pathname).toBe('/share');
		expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
		expect(await context.cookies()).toEqual([]);

		await quickExitLink(page).click();
		await page.waitForURL((url) => url.hostname === new URL(QUICK_EXIT_URL).hostname);
		expect(dialogs).toEqual(['beforeunload']);
	});

	it('copies the receipt code', async () => {
		const { context, page } = await openPage(browser());
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await page.goto('/share');
		await fillStory(page, 'A code worth keeping safe');
		await page.getByRole('button', { name: 'Preview my story' }).click();
		await page.getByRole('button', { name: 'Send my story' }).click();
		const code = (await receiptCode(page).textContent())!;
		await page.getByRole('button', { name: 'Copy code' }).click();
		await expect.poll(() => receipt(page).getByRole('status').textContent()).toBe('Copied.');
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
	});
});

describe.each([
	['off', false],
	['on', true],
] as const)('keeping the receipt, JavaScript %s', (_label, javaScriptEnabled) => {
	it('saves the code and the My story address as a text file, with advice on where to keep it', async () => {
		const { page, cspViolations } = await openPage(browser(), { javaScriptEnabled });
		await page.goto('/share');
		await fillStory(page, `A receipt to keep (${javaScriptEnabled ? 'js' : 'no-js'})`);
		await page.getByRole('button', { name: 'Preview my story' }).click();
		await page.getByRole('button', { name: 'Send my story' }).click();
		const code = (await receiptCode(page).textContent())!;
		expect(await receipt(page).textContent()).toMatch(/at any time at My story\./);
		expect(await receipt(page).textContent()).toMatch(/not on a computer, phone or cloud folder/);
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Save as a text file' }).click(),
		]);
		expect(download.suggestedFilename()).toBe('receipt.txt');
		const text = readFileSync(await download.path(), 'utf8');
		expect(text).toContain(code);
		expect(text).toMatch(/at any time at http:\/\/[^\s]+\/my-story/);
		expect(text).toMatch(/where only you can reach it/);
		// Saving did not leave the receipt page.
		expect(await receiptCode(page).textContent()).toBe(code);
		expect(cspViolations).toEqual([]);
	});
});

describe('the writer keeps control', () => {
	it.each([
		['off', false],
		['on', true],
	] as const)(
		'finds, edits and withdraws a story by receipt code with JavaScript %s',
		async (_label, javaScriptEnabled) => {
			const { page } = await openPage(browser(), { javaScriptEnabled });
			await page.goto('/share');
			await fillStory(page, `A story to take back (${javaScriptEnabled})`);
			await page.getByRole('button', { name: 'Preview my story' }).click();
			await page.getByRole('button', { name: 'Send my story' }).click();
			const code = (await receiptCode(page).textContent())!;

			await page.goto('/my-story');
			await page.getByLabel('Receipt code').fill(code.toLowerCase());
			await page.getByRole('button', { name: 'Find my story' }).click();
			await expect.poll(() => statusHeading(page).textContent()).toBe('Status: Waiting for review');

			await page.getByLabel('Your story', { exact: true }).fill(`${STORY_BODY} Ninety days now.`);
			await page.getByRole('button', { name: 'Preview changes' }).click();
			await page.getByRole('button', { name: 'Save my changes' }).click();
			await expect.poll(() => page.getByRole('status').textContent()).toMatch(/changes are saved/);
			expect(await page.getByLabel('Your story', { exact: true }).inputValue()).toContain(
				'Ninety days now.',
			);

			await page.getByRole('button', { name: /Withdraw my story/ }).click();
			await page.getByRole('button', { name: /Yes, withdraw and erase/ }).click();
			await expect.poll(() => statusHeading(page).textContent()).toBe('Status: Withdrawn');
		},
	);
});

describe('accessibility of the sharing pages', () => {
	it.each(['light', 'dark'] as const)(
		'has no serious or critical axe violations at any step (%s)',
		async (colorScheme) => {
			const { page } = await openPage(browser(), { colorScheme });
			const scan = async (step: string) =>
				expect(await findSeriousAxeViolations(page), step).toEqual([]);
			await page.goto('/guidelines');
			await scan('guidelines');
			await page.goto('/share');
			await scan('form');
			await page.getByRole('button', { name: 'Preview my story' }).click();
			await page.getByRole('alert').waitFor();
			await scan('form with errors');
			await fillStory(page, 'Checking every step of the form');
			await page.getByRole('button', { name: 'Preview my story' }).click();
			await checks(page).waitFor();
			await scan('preview');
			await page.getByRole('button', { name: 'Send my story' }).click();
			const code = (await receiptCode(page).textContent())!;
			await scan('receipt');
			await page.goto('/my-story');
			await scan('code entry');
			await page.getByLabel('Receipt code').fill(code);
			await page.getByRole('button', { name: 'Find my story' }).click();
			await statusHeading(page).waitFor();
			await scan('status');
		},
	);
});
