import { describe, expect, it } from 'vitest';
import {
	IDENTIFYING_DETAIL_LABELS,
	findIdentifyingDetails,
	type IdentifyingDetail,
	type IdentifyingDetailKind,
} from '../../src/lib/identifying-details.ts';

const KINDS = Object.keys(IDENTIFYING_DETAIL_LABELS) as IdentifyingDetailKind[];

function expectSortedAndNonOverlapping(details: readonly IdentifyingDetail[]) {
	for (const [index, detail] of details.entries()) {
		const next = details[index + 1];
		if (next) expect(detail.end).toBeLessThanOrEqual(next.start);
	}
}

describe('findIdentifyingDetails', () => {
	it.each<[string, IdentifyingDetailKind, string]>([
		// Emails
		['Email me at jane.doe@example.com if you want.', 'email', 'jane.doe@example.com'],
		['Write to sam+recovery@mail.example.co.uk today', 'email', 'sam+recovery@mail.example.co.uk'],
		['My old address was j_smith@sub.domain.org.', 'email', 'j_smith@sub.domain.org'],
		// Phone numbers
		['Text (555) 123-4567 any time.', 'phone', '(555) 123-4567'],
		['My number was 555-123-4567.', 'phone', '555-123-4567'],
		['Reach me on 555.123.4567 after work.', 'phone', '555.123.4567'],
		['It is 5551234567, text first.', 'phone', '5551234567'],
		['From abroad, dial +1 555 123 4567.', 'phone', '+1 555 123 4567'],
		['The helpline 1-800-662-4357 saved me.', 'phone', '1-800-662-4357'],
		['The London office was +44 20 7946 0958.', 'phone', '+44 20 7946 0958'],
		['My mobile is 07700 900123 now.', 'phone', '07700 900123'],
		['Call 555-123-4567 24 hours a day.', 'phone', '555-123-4567'],
		['In Berlin I answered +49 30 1234567 daily.', 'phone', '+49 30 1234567'],
		['The shelter in Paris: +33 1 23 45 67 89.', 'phone', '+33 1 23 45 67 89'],
		['The clinic in Mumbai, +91 98765 43210, helped.', 'phone', '+91 98765 43210'],
		// URLs, including profile links
		['Read more at https://example.com/my-story.', 'url', 'https://example.com/my-story'],
		[
			'See http://blog.example.net/2020/05/sober, it helped.',
			'url',
			'http://blog.example.net/2020/05/sober',
		],
		['My page is www.mysite.org/about.', 'url', 'www.mysite.org/about'],
		['I wrote it all on example.com/path (long ago).', 'url', 'example.com/path'],
		['Find me at mysite.org.', 'url', 'mysite.org'],
		['Follow instagram.com/jane.doe.recovery for more', 'url', 'instagram.com/jane.doe.recovery'],
		['I post at x.com/sober_sam now', 'url', 'x.com/sober_sam'],
		['Watch tiktok.com/@soberlife daily', 'url', 'tiktok.com/@soberlife'],
		['(I am on https://facebook.com/jane.doe)', 'url', 'https://facebook.com/jane.doe'],
		// Street addresses
		['I lived at 123 Main Street for years.', 'street-address', '123 Main Street'],
		['We moved to 4521 Oak Hollow Rd last spring.', 'street-address', '4521 Oak Hollow Rd'],
		['Her place at 77 Sunset Blvd Apt 4B was', 'street-address', '77 Sunset Blvd Apt 4B'],
		['Send it to 9 Elm Ct, Unit 3 please', 'street-address', '9 Elm Ct, Unit 3'],
		[
			'The house at 1600 Pennsylvania Avenue #12 burned.',
			'street-address',
			'1600 Pennsylvania Avenue #12',
		],
		['The meeting was at 42 West Elm Lane.', 'street-address', '42 West Elm Lane'],
		['The rehab was on 221B Baker Street.', 'street-address', '221B Baker Street'],
		['Mail goes to P.O. Box 123 now.', 'street-address', 'P.O. Box 123'],
		// Social handles
		['Follow me @sober_sam for updates.', 'social-handle', '@sober_sam'],
		['DM @JaneDoe99 on there', 'social-handle', '@JaneDoe99'],
		// The writer's own name
		['My name is Dave and I drank.', 'self-name', 'Dave'],
		['Hi, my name is Sarah Jones.', 'self-name', 'Sarah Jones'],
		["Back then I'm called Mo by everyone.", 'self-name', 'Mo'],
		['They call me Lucky Lou at meetings.', 'self-name', 'Lucky Lou'],
		['Call me Ishmael.', 'self-name', 'Ishmael'],
		["Hi, I'm Dave, and I'm an alcoholic.", 'self-name', 'Dave'],
		// Other people's names
		['I called my sponsor Dave that night.', 'personal-name', 'Dave'],
		['My wife, Sarah, left.', 'personal-name', 'Sarah'],
		['Only my husband Tom Baker stayed.', 'personal-name', 'Tom Baker'],
		['We have two kids named Ava and Leo.', 'personal-name', 'Ava'],
		['My therapist Dr. Patel listened.', 'personal-name', 'Patel'],
		['My fiancée Zoë waited for me.', 'personal-name', 'Zoë'],
		["My brother Sean O'Brien drove me.", 'personal-name', "Sean O'Brien"],
		["I slept on my friend Mary-Jane's couch.", 'personal-name', 'Mary-Jane'],
		['My sponsor Dave I trust.', 'personal-name', 'Dave'],
	])('finds in %j the %s %j', (input, kind, text) => {
		const details = findIdentifyingDetails(input);
		expect(details.map((detail) => ({ kind: detail.kind, text: detail.text }))).toEqual([
			{ kind, text },
		]);
		for (const detail of details) expect(input.slice(detail.start, detail.end)).toBe(detail.text);
	});

	it.each([
		'212 days sober today.',
		'In 2019-2021 I drank every day.',
		'In 2019–2021 I drank every day.',
		'From 1999 2000 2001 I barely remember a thing.',
		'I got sober in 2019.',
		'1,095 days and counting.',
		'I called my sponsor',
		'My Higher Power kept me going.',
		'AA meeting at 7:30 on Tuesdays.',
		'Step 4 was the hardest.',
		'I was $5,000 in debt.',
		'My sobriety date is 12/03/2024.',
		'Sober since 2024-03-12, or 12.03.2024 in Europe.',
		'I called my sponsor. She said to go to a meeting.',
		'It was my wife I had hurt the most.',
		'I saw my boss Monday morning.',
		'Only 30% of us make it, they said.',
		'I was 3.5 years sober when it happened.',
		'My sponsor said one day at a time.',
		'We meet @ 7 in the church basement, or @7pm on Fridays.',
		'I went to 90 meetings in 90 days.',
		'Mom said I could come home.',
		'My dad. He never drank.',
		'I lost 12 years to drinking, from 1999 to 2011.',
		'The Big Book, page 417, changed everything.',
		'Call me when you get this.',
		'My kids call me Mom again.',
		'My sponsor, who is 80, still goes to St. Mark’s church.',
		'My name is not important.',
		'Sober 5 years, 2 months and 3 days; I think about it 24/7.',
		'I texted my sister I was okay.',
		'My best friend, Alcohol, turned on me.',
		'I was done.So I called for help.',
		'Steps 1 2 3 4 5 6 7 are about surrender.',
		'I lost 1 000 000 in the casino.',
		"Hi, I'm Grateful to be here.",
		'The 12 Steps Way of Life changed me.',
		'In 2008 Wall Street took my savings and my nerve.',
	])('finds nothing in %j', (input) => {
		expect(findIdentifyingDetails(input)).toEqual([]);
	});

	it('returns several details sorted by start, without overlaps, with exact offsets', () => {
		const input =
			'My name is Dave. Email dave+aa@example.com or call 555-123-4567, or see ' +
			'www.dave.org/story. I live at 12 Oak Street. My sponsor Mike says hi @dave_sober.';
		const details = findIdentifyingDetails(input);
		expect(details.map(({ kind, text }) => [kind, text])).toEqual([
			['self-name', 'Dave'],
			['email', 'dave+aa@example.com'],
			['phone', '555-123-4567'],
			['url', 'www.dave.org/story'],
			['street-address', '12 Oak Street'],
			['personal-name', 'Mike'],
			['social-handle', '@dave_sober'],
		]);
		expectSortedAndNonOverlapping(details);
		for (const detail of details) expect(input.slice(detail.start, detail.end)).toBe(detail.text);
	});

	it('reports an email once, never also as a handle or a bare domain', () => {
		expect(
			findIdentifyingDetails('reach jo@gmail.com or @jo').map((detail) => detail.kind),
		).toEqual(['email', 'social-handle']);
	});

	it('reports a profile link as a URL, never also as a handle', () => {
		const details = findIdentifyingDetails('my old https://www.tiktok.com/@sober_jo account');
		expect(details.map(({ kind, text }) => [kind, text])).toEqual([
			['url', 'https://www.tiktok.com/@sober_jo'],
		]);
	});

	it('keeps brackets that belong to a link and drops the ones around it', () => {
		const details = findIdentifyingDetails('(see https://en.wikipedia.org/wiki/Sobriety_(film))');
		expect(details.map((detail) => detail.text)).toEqual([
			'https://en.wikipedia.org/wiki/Sobriety_(film)',
		]);
	});

	it('gives every detail the suggestion for its kind', () => {
		const details = findIdentifyingDetails(
			'I am @sam, sam@example.org, 555-123-4567 at 3 Elm Rd; my sister Ana.',
		);
		expect(details).toHaveLength(5);
		for (const detail of details) expect(detail.suggestion).toMatch(/^[A-Z].+\.$/);
		expect(new Set(details.map((detail) => detail.suggestion)).size).toBe(5);
	});

	it('finds nothing in an empty text', () => {
		expect(findIdentifyingDetails('')).toEqual([]);
	});
});

describe('IDENTIFYING_DETAIL_LABELS', () => {
	it('labels every kind in plain language', () => {
		expect(KINDS).toHaveLength(7);
		for (const kind of KINDS) expect(IDENTIFYING_DETAIL_LABELS[kind]).toMatch(/^[A-Z][a-z' ]+$/);
		expect(IDENTIFYING_DETAIL_LABELS.phone).toBe('Phone number');
	});
});
