import { describe, expect, it } from 'vitest';
import { findSeriousAxeViolations, openPage, useBrowser } from '../helpers/browser.ts';
import { publishedSourcePieces } from '../helpers/library.ts';
import { contentWarningNotices } from '../helpers/locators.ts';

const browser = useBrowser();
const pieces = publishedSourcePieces();
const warnedStory = pieces.find(
	(piece) => piece.path.startsWith('/stories/') && piece.contentWarnings.length > 0,
)!;
const strategy = pieces.find((piece) => piece.path.startsWith('/strategies/'))!;

/** One page of every type a reader can reach. */
const PAGE_TYPES = [
	['home', '/'],
	['story list', '/stories'],
	['filtered story list', '/stories?topic=alcohol'],
	['story with a content warning', warnedStory.path],
	['strategy list', '/strategies'],
	['strategy', strategy.path],
	['topic index', '/topics'],
	['topic', '/topics/relapse'],
	['search results', '/search?q=meeting'],
	['about', '/about'],
	['transparency', '/transparency'],
	['not found', '/no-such-page'],
] as const;

describe.each(['light', 'dark'] as const)('in the %s colour scheme', (colorScheme) => {
	it.each(PAGE_TYPES)(
		'the %s page (%s) has no serious or critical axe violations',
		async (_type, path) => {
			const { page, cspViolations } = await openPage(browser(), { colorScheme });
			await page.goto(path);
			// Open any folded story so its text is checked too.
			for (const notice of await contentWarningNotices(page).all()) await notice.click();
			expect(await findSeriousAxeViolations(page)).toEqual([]);
			expect(cspViolations).toEqual([]);
		},
	);
});

describe('page outline', () => {
	it.each(PAGE_TYPES)(
		'the %s page has one h1 and never skips a heading level',
		async (_type, path) => {
			const { page } = await openPage(browser());
			await page.goto(path);
			// Hidden headings too (a folded story's): they join the outline once shown.
			const levels = await page
				.getByRole('main')
				.getByRole('heading', { includeHidden: true })
				.evaluateAll((headings) =>
					headings.map((heading) =>
						Number(heading.getAttribute('aria-level') ?? heading.tagName.slice(1)),
					),
				);
			expect(levels.filter((level) => level === 1)).toHaveLength(1);
			levels.forEach((level, index) => {
				if (index > 0) expect(level - levels[index - 1]!).toBeLessThanOrEqual(1);
			});
		},
	);
});

describe('on a 360 px wide phone', () => {
	it.each(PAGE_TYPES)('the %s page fits without sideways scrolling', async (_type, path) => {
		const { page } = await openPage(browser(), { viewport: { width: 360, height: 740 } });
		await page.goto(path);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			360,
		);
	});
});

describe('focus', () => {
	it('is visible on every link the keyboard reaches', async () => {
		const { page } = await openPage(browser());
		await page.goto('/stories');
		for (let step = 0; step < 8; step++) {
			await page.keyboard.press('Tab');
			const outline = await page.evaluate(() => {
				const style = getComputedStyle(document.activeElement!);
				return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
			});
			expect(outline.style).not.toBe('none');
			expect(outline.width).toBeGreaterThanOrEqual(2);
		}
	});
});
