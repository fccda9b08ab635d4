import type { HTMLElement } from 'node-html-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchDocument, textOf } from '../helpers/html.ts';
import { shareAndPublish } from '../helpers/share.ts';
import { openSharedServerStore } from '../helpers/stored.ts';

const store = openSharedServerStore();
afterAll(() => store.close());

/** The numbers and sites each need is answered with, written out here independently. */
const LIFELINE = 'a[href="tel:988"]';
const SAMHSA = 'a[href="tel:+18006624357"]';
const GAMBLING = 'a[href="tel:+18006973738"]';
const EMERGENCY = 'a[href="tel:911"]';
const NEVER_USE_ALONE = 'a[href="tel:+18004843731"]';
const FIND_TREATMENT = 'a[href="https://findtreatment.gov/"]';
const TOPIC_LINES = [GAMBLING, NEVER_USE_ALONE, FIND_TREATMENT];

/** The help shown in the page's body, the footer left out (it is the same on every page). */
function helpInMain(document: HTMLElement): HTMLElement {
	return document.querySelector('main')!;
}

describe('helplines by topic', () => {
	it.each([
		['a gambling story', '/stories/the-bets-i-didnt-place', [GAMBLING]],
		['the gambling topic page', '/topics/gambling', [GAMBLING]],
		[
			'an article warned for overdose',
			'/strategies/after-a-relapse-starting-again-without-shame',
			[EMERGENCY, NEVER_USE_ALONE],
		],
		['the harm-reduction topic page', '/topics/harm-reduction', [EMERGENCY, NEVER_USE_ALONE]],
		[
			'an article about finding treatment',
			'/strategies/medication-assisted-recovery-questions-and-answers',
			[FIND_TREATMENT],
		],
		['the finding-treatment topic page', '/topics/finding-treatment', [FIND_TREATMENT]],
	])('%s shows the lines for its need', async (_case, path, expected) => {
		const { response, document } = await fetchDocument(path);
		expect(response.status).toBe(200);
		for (const line of expected) expect(helpInMain(document).querySelector(line)).not.toBeNull();
	});

	it('shows the gambling line on a community story about gambling', async () => {
		const { row } = await shareAndPublish(store, { topics: ['gambling'] });
		const { response, document } = await fetchDocument(`/stories/${row.slug}`);
		expect(response.status).toBe(200);
		expect(helpInMain(document).querySelector(GAMBLING)).not.toBeNull();
	});

	it('shows only the general lines beside a piece with none of those needs', async () => {
		const { document } = await fetchDocument('/strategies/riding-out-a-craving');
		const note = document.querySelector('main .crisis-note')!;
		expect(note.querySelector(LIFELINE)).not.toBeNull();
		expect(note.querySelector(SAMHSA)).not.toBeNull();
		for (const line of TOPIC_LINES) expect(helpInMain(document).querySelector(line)).toBeNull();
	});

	it('leaves topic pages without a particular need free of topic lines', async () => {
		const { document } = await fetchDocument('/topics/cravings');
		for (const line of TOPIC_LINES) expect(helpInMain(document).querySelector(line)).toBeNull();
	});
});

describe('the general lines', () => {
	it('put 988 first in the footer, and describe SAMHSA as referral, not counseling', async () => {
		const { document } = await fetchDocument('/');
		const lines = document.querySelectorAll('footer .crisis-lines li');
		expect(lines[0]!.querySelector(LIFELINE)).not.toBeNull();
		expect(lines[1]!.querySelector(SAMHSA)).not.toBeNull();
		expect(textOf(lines[1]!)).toMatch(/referral and information, not counseling/i);
	});

	it('put 988 first in the note beside a piece', async () => {
		const { document } = await fetchDocument('/strategies/riding-out-a-craving');
		const links = document
			.querySelectorAll('main .crisis-note a[href^="tel:"]')
			.map((link) => link.getAttribute('href'));
		expect(links.slice(0, 2)).toEqual(['tel:988', 'tel:+18006624357']);
	});
});
