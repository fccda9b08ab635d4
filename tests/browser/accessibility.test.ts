import { describe, expect, it } from 'vitest';
import { findSeriousAxeViolations, openPage, useBrowser } from '../helpers/browser.ts';

const browser = useBrowser();

describe.each(['light', 'dark'] as const)('in the %s colour scheme', (colorScheme) => {
	it.each(['/', '/about', '/no-such-page'])(
		'%s has no serious or critical axe violations',
		async (path) => {
			const { context, page, cspViolations } = await openPage(browser(), { colorScheme });
			await page.goto(path);
			expect(await findSeriousAxeViolations(page)).toEqual([]);
			expect(cspViolations).toEqual([]);
			await context.close();
		},
	);
});

describe('on a 360 px wide phone', () => {
	it('fits the page without sideways scrolling and keeps the quick exit clear of the header links', async () => {
		const { context, page } = await openPage(browser(), { viewport: { width: 360, height: 740 } });
		await page.goto('/');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			360,
		);
		const exitBox = await page.getByRole('link', { name: /Leave this site/ }).boundingBox();
		const navBox = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
		const siteNameBox = await page
			.getByRole('link', { name: 'Common Thread', exact: true })
			.boundingBox();
		const overlaps = (a: typeof exitBox, b: typeof exitBox) =>
			!!a &&
			!!b &&
			a.x < b.x + b.width &&
			b.x < a.x + a.width &&
			a.y < b.y + b.height &&
			b.y < a.y + a.height;
		expect(overlaps(exitBox, navBox)).toBe(false);
		expect(overlaps(exitBox, siteNameBox)).toBe(false);
		await context.close();
	});
});
