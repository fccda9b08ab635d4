import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findSeriousAxeViolations, openPage, useBrowser } from '../helpers/browser.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { contentWarningNotices, pieceArticle, quickExitLink } from '../helpers/locators.ts';

const browser = useBrowser();
const pieces = publishedSourcePieces();
const story = pieces.find((piece) => piece.path.startsWith('/stories/'))!;
const WIDTHS = [320, 360, 390, 414, 600, 768, 1024, 1280, 1440, 1920];

interface Box {
	label: string;
	left: number;
	top: number;
	right: number;
	bottom: number;
}

/** The quick exit's box and the boxes of every visible control in the site header and the page. */
async function controlBoxes(page: Page): Promise<{ exit: Box; controls: Box[] }> {
	const exit = await quickExitLink(page).evaluate((link) => {
		const { left, top, right, bottom } = link.getBoundingClientRect();
		return { label: 'quick exit', left, top, right, bottom };
	});
	// Every element a pointer can use, whatever its role: links, buttons, fields, disclosures.
	const controls = await page
		.getByRole('banner')
		.or(page.getByRole('main'))
		.locator('a, button, input, summary')
		.evaluateAll((elements) =>
			elements
				.filter((element) => element.getClientRects().length > 0)
				.map((element) => {
					const { left, top, right, bottom } = element.getBoundingClientRect();
					return { label: element.outerHTML.slice(0, 80), left, top, right, bottom };
				}),
		);
	return { exit, controls };
}

const overlaps = (a: Box, b: Box) =>
	a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe.each([
	['on', true],
	['off', false],
] as const)('the quick exit, JavaScript %s', (_label, javaScriptEnabled) => {
	it.each([
		['the home page', '/'],
		['a story', story.path],
		['search results', '/search?q=meeting'],
	])(
		'covers no control on %s at any width from 320 to 1920 px',
		async (_name, path) => {
			const { page } = await openPage(browser(), { javaScriptEnabled });
			for (const width of WIDTHS) {
				await page.setViewportSize({ width, height: 800 });
				await page.goto(path);
				const { exit, controls } = await controlBoxes(page);
				const covered = controls.filter((control) => overlaps(exit, control));
				expect({ width, covered: covered.map(({ label }) => label) }).toEqual({
					width,
					covered: [],
				});
				// On screen and inside the viewport at every width.
				expect(exit.left).toBeGreaterThanOrEqual(0);
				expect(exit.right).toBeLessThanOrEqual(width);
			}
		},
		// Ten page loads, each measured: slow on a loaded machine.
		60_000,
	);
});

describe('the header', () => {
	it('opens the menu on a phone without JavaScript', async () => {
		const { page } = await openPage(browser(), {
			javaScriptEnabled: false,
			viewport: { width: 390, height: 844 },
		});
		await page.goto('/about');
		const header = page.getByRole('banner');
		await header.getByText('Menu', { exact: true }).click();
		await header.getByRole('link', { name: 'Stories', exact: true }).click();
		await page.waitForURL((url) => url.pathname === '/stories');
	});

	it('lets the page start within 120 px on a 390 px phone', async () => {
		const { page } = await openPage(browser(), { viewport: { width: 390, height: 844 } });
		await page.goto('/');
		const mainTop = await page
			.getByRole('main')
			.getByRole('heading', { level: 1 })
			.evaluate((heading) => heading.getBoundingClientRect().top);
		expect(mainTop).toBeLessThanOrEqual(120);
	});

	it.each([
		['on', true],
		['off', false],
	] as const)(
		'offers search on a phone with JavaScript %s, reaching the results',
		async (_label, javaScriptEnabled) => {
			const { page } = await openPage(browser(), {
				javaScriptEnabled,
				viewport: { width: 390, height: 844 },
			});
			await page.goto('/about');
			const header = page.getByRole('banner');
			// Folded away until asked for: nothing to search with is on screen yet.
			expect(await header.getByRole('searchbox').count()).toBe(0);
			// The disclosure, not the hidden forms' Search buttons.
			await header.getByText('Search', { exact: true }).filter({ visible: true }).click();
			const field = header.getByRole('searchbox', { name: 'Search stories and strategies' });
			expect(await field.getAttribute('placeholder')).toMatch(/Search/);
			await field.fill('meeting');
			await field.press('Enter');
			await page.waitForURL((url) => url.pathname === '/search');
			expect(new URL(page.url()).searchParams.get('q')).toBe('meeting');
		},
	);

	it('shows what the search field is for on a wide screen', async () => {
		const { page } = await openPage(browser(), { viewport: { width: 1280, height: 800 } });
		await page.goto('/');
		const field = page.getByRole('banner').getByRole('searchbox');
		expect(await field.isVisible()).toBe(true);
		expect(await field.getAttribute('placeholder')).toMatch(/Search/);
	});
});

describe('reading a story', () => {
	it.each([390, 768, 1280, 1920])(
		'keeps lines of its longest paragraph at 60 to 75 characters where the screen allows (%i px)',
		async (width) => {
			const { page } = await openPage(browser(), { viewport: { width, height: 900 } });
			await page.goto(story.path);
			// Opens a content warning, if any, so the text is laid out.
			const notice = contentWarningNotices(page);
			if (await notice.count()) await notice.click();
			const measure = await pieceArticle(page)
				.getByRole('paragraph')
				.evaluateAll((paragraphs) => {
					// The story's own paragraphs: not its header's (meta, notes), nor a help box's or a
					// helpline note's (complementary asides).
					const own = paragraphs.filter((paragraph) => !paragraph.closest('header, aside'));
					const longest = own.reduce((a, b) =>
						(a.textContent ?? '').length >= (b.textContent ?? '').length ? a : b,
					);
					// Lines from the paragraph's height: inline elements (links, emphasis) give rects of
					// their own on a line, so counting rects over-counts lines.
					const style = getComputedStyle(longest);
					const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
					return {
						characters: (longest.textContent ?? '').length,
						lines: Math.round(longest.getBoundingClientRect().height / lineHeight),
						fontSize: parseFloat(getComputedStyle(longest).fontSize),
						fontFamily: getComputedStyle(longest).fontFamily,
					};
				});
			const perLine = measure.characters / measure.lines;
			expect(measure.fontFamily).toMatch(/serif/);
			expect(measure.fontSize).toBeGreaterThanOrEqual(18);
			// A phone is narrower than a comfortable line; from a tablet up the measure holds.
			if (width >= 768) {
				expect(perLine).toBeGreaterThanOrEqual(60);
				expect(perLine).toBeLessThanOrEqual(75);
			} else {
				expect(perLine).toBeLessThanOrEqual(75);
			}
		},
	);

	it.each(['light', 'dark'] as const)(
		'passes axe, contrast included, in the %s scheme on the home page, a list and a story',
		async (colorScheme) => {
			const { page } = await openPage(browser(), { colorScheme });
			for (const path of ['/', '/stories', story.path, '/topics']) {
				await page.goto(path);
				await page.emulateMedia({ colorScheme });
				expect({ path, violations: await findSeriousAxeViolations(page) }).toEqual({
					path,
					violations: [],
				});
			}
		},
		// Four pages, each scanned by axe: slow on a loaded machine.
		60_000,
	);
});
