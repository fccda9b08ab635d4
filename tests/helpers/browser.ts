import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

/**
 * A headless system Chromium (CHROMIUM_PATH, default /usr/bin/chromium). Playwright gives
 * each launch a fresh, empty profile.
 */
export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: CHROMIUM_FLAGS,
	});
}

/**
 * One browser per test file, closed after the file. Every context a test opened is closed
 * after that test, whether it passed, failed or timed out, so no test needs to close its own.
 */
export function useBrowser(): () => Browser {
	let browser: Browser | undefined;
	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterEach(async () => {
		await Promise.all(browser?.contexts().map((context) => context.close()) ?? []);
	});
	afterAll(async () => browser?.close());
	return () => {
		if (!browser) throw new Error('useBrowser(): the browser is not running yet');
		return browser;
	};
}

export interface PageOptions {
	javaScriptEnabled?: boolean;
	colorScheme?: 'light' | 'dark';
	viewport?: { width: number; height: number };
	/** The server to open pages on; the shared test server unless given. */
	baseUrl?: string;
}

/**
 * A fresh context and page on the shared test server (or `baseUrl`). Any page that breaks the
 * Content-Security-Policy is recorded in `cspViolations`, so tests can assert none. In a test
 * file, `useBrowser()` closes the context after the test.
 */
export async function openPage(
	browser: Browser,
	options: PageOptions = {},
): Promise<{
	context: BrowserContext;
	page: Page;
	cspViolations: string[];
	/** Every request that tried to leave for another host, with the Referer it carried. */
	offsiteRequests: { url: string; referer: string | undefined }[];
}> {
	const context = await browser.newContext({
		baseURL: options.baseUrl ?? inject('baseUrl'),
		javaScriptEnabled: options.javaScriptEnabled ?? true,
		colorScheme: options.colorScheme ?? 'light',
		viewport: options.viewport ?? { width: 1280, height: 800 },
	});
	// Nothing may leave the machine: any request to another host is answered locally.
	const offsiteRequests: { url: string; referer: string | undefined }[] = [];
	await context.route(
		(url) => url.hostname !== '127.0.0.1',
		async (route) => {
			offsiteRequests.push({
				url: route.request().url(),
				referer: (await route.request().headerValue('referer')) ?? undefined,
			});
			await route.fulfill({
				contentType: 'text/html',
				body: '<!doctype html><title>Elsewhere</title><p>A page on another site.</p>',
			});
		},
	);
	const page = await context.newPage();
	const cspViolations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
	});
	return { context, page, cspViolations, offsiteRequests };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	targets: string[];
}

/** Runs axe-core (WCAG 2.x A and AA rules) on the page; returns serious and critical violations. */
export async function findSeriousAxeViolations(page: Page): Promise<AxeViolation[]> {
	// Evaluated through the DevTools protocol, which the page's CSP does not govern.
	await page.evaluate(AXE_SOURCE);
	const violations = await page.evaluate(async () => {
		interface AxeResults {
			violations: {
				id: string;
				impact: string | null;
				help: string;
				nodes: { target: string[] }[];
			}[];
		}
		const axe = (
			window as unknown as {
				axe: { run: (context: Document, options: object) => Promise<AxeResults> };
			}
		).axe;
		const result = await axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
		});
		return result.violations.map((violation) => ({
			id: violation.id,
			impact: violation.impact,
			help: violation.help,
			targets: violation.nodes.map((node) => node.target.join(' ')),
		}));
	});
	return violations.filter(
		(violation) => violation.impact === 'serious' || violation.impact === 'critical',
	);
}
