/**
 * Parts of a page found the way a reader finds them: by role, name and wording, never by the
 * classes that style them.
 */
import type { Locator, Page } from 'playwright-core';

const WARNING_NOTICE = /^Content warning:/;

/** The "Leave this site" quick exit, on every page. */
export function quickExitLink(page: Page): Locator {
	return page.getByRole('link', { name: /Leave this site/ });
}

/** Content-warning folds: disclosures (a `<details>`, role group) that open with "Content warning: …". */
export function contentWarningFolds(page: Page): Locator {
	return page.getByRole('group').filter({ hasText: WARNING_NOTICE });
}

/** The "Content warning: …" wording in each fold's summary; clicking it opens the fold. */
export function contentWarningNotices(page: Page): Locator {
	return contentWarningFolds(page).getByText(WARNING_NOTICE);
}

/** The article that holds the page's own piece: the one headed by the page's h1 (related pieces are articles too). */
export function pieceArticle(page: Page): Locator {
	return page.getByRole('article').filter({ has: page.getByRole('heading', { level: 1 }) });
}
