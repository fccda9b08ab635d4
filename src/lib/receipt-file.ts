import { SITE_NAME } from './settings.ts';

/** A file name that says nothing about the site to someone browsing the device's downloads. */
export const RECEIPT_FILE_NAME = 'receipt.txt';

/**
 * The text of the receipt a writer can save instead of copying the code by hand: the code,
 * where to use it, and the advice to keep it away from anyone who shares the device.
 */
export function receiptFileText(receiptCode: string, myStoryUrl: URL): string {
	return [
		`${SITE_NAME}: your receipt code`,
		'',
		receiptCode,
		'',
		'With this code you can check on your story, edit it while it waits, or withdraw it',
		`at any time at ${myStoryUrl.href}`,
		'',
		'Anyone who has this code can do the same. Keep this file where only you can reach it,',
		'not on a computer, phone or cloud folder that someone else uses. The code cannot be',
		'recovered if it is lost.',
		'',
	].join('\n');
}

/**
 * The receipt as a `data:` link for `<a download>`: the browser saves it without asking the
 * server again, so the code never travels a second time and nothing about it can be logged.
 */
export function receiptDownloadHref(receiptCode: string, myStoryUrl: URL): string {
	return `data:text/plain;charset=utf-8,${encodeURIComponent(receiptFileText(receiptCode, myStoryUrl))}`;
}
