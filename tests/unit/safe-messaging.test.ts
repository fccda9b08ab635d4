import { describe, expect, it } from 'vitest';
import { checkSafeMessaging, type SafetyFlagKind } from '../../src/lib/safe-messaging.ts';
import { CONTENT_WARNING_SLUGS, type ContentWarningSlug } from '../../src/lib/taxonomy.ts';

describe('checkSafeMessaging', () => {
	it.each<[string, SafetyFlagKind, string]>([
		// Doses and amounts
		['I was taking 80 mg a day.', 'dose', '80 mg a day'],
		['I took 80mg of oxy before work.', 'dose', '80mg of oxy'],
		['I took ten pills that night.', 'dose', 'ten pills'],
		['I drank three bottles of wine a day.', 'dose', 'three bottles of wine a day'],
		['I could do a gram by noon.', 'dose', 'a gram'],
		['We split half a gram.', 'dose', 'half a gram'],
		['I bought two 30s from him.', 'dose', 'two 30s'],
		['She was popping 80s like candy.', 'dose', '80s'],
		['I needed twelve beers a night to sleep.', 'dose', 'twelve beers a night'],
		['I went through a fifth of vodka.', 'dose', 'a fifth of vodka'],
		['He sold me six bags.', 'dose', 'six bags'],
		['Just 2-3 grams of meth kept me up.', 'dose', '2-3 grams of meth'],
		['I was on 100 mcg by the end.', 'dose', '100 mcg'],
		['I had ten Xanax bars in my pocket.', 'dose', 'ten Xanax bars'],
		['I drank a dozen beers.', 'dose', 'a dozen beers'],
		['She gave me twenty-five milligrams.', 'dose', 'twenty-five milligrams'],
		['I kept 10 ml of methadone back.', 'dose', '10 ml of methadone'],
		// Methods
		['I injected for the first time at 19.', 'method', 'injected'],
		['We would shoot up in the car.', 'method', 'shoot up'],
		['I snorted it off a mirror.', 'method', 'snorted'],
		['I smoked crack for a decade.', 'method', 'smoked crack'],
		['He cooked meth in the garage.', 'method', 'cooked meth'],
		['I crushed the pills to get it faster.', 'method', 'crushed the pills'],
		['I mixed benzos with vodka.', 'method', 'mixed benzos with'],
		['She overdosed on fentanyl.', 'method', 'overdosed on'],
		["He OD'd on heroin.", 'method', "OD'd on"],
		['I swallowed a handful of pills.', 'method', 'swallowed a handful of pills'],
		['I cut myself to feel something.', 'method', 'cut myself'],
		['I learned to tie off at 17.', 'method', 'tie off'],
		['There were needles everywhere.', 'method', 'needles'],
	])('flags in %j the %s %j', (input, kind, text) => {
		const { flags } = checkSafeMessaging(input);
		expect(flags.map((flag) => ({ kind: flag.kind, text: flag.text }))).toEqual([{ kind, text }]);
		for (const flag of flags) expect(input.slice(flag.start, flag.end)).toBe(flag.text);
	});

	it.each([
		'I have 212 days sober.',
		'I have been sober for 10 days.',
		'It took two years to trust myself.',
		'I went to 3 meetings this week.',
		'I have 5 friends from the program.',
		'I have 2 kids who know everything.',
		'One day at a time.',
		'One drink is too many and a thousand never enough.',
		'I shot a photo of my chip.',
		'I ordered a shot of espresso, then two shots of espresso.',
		'I had a lot of mixed feelings.',
		'I cut back on coffee.',
		'I had to cut ties with old friends.',
		'I smoked a cigarette outside the meeting.',
		'I spent my 30s drinking.',
		'It was the 80s and everyone drank.',
		'I was $5,000 in debt.',
		'AA meeting at 7:30.',
		'Step 4 was hard.',
		'It was like looking for a needle in a haystack.',
		'My anxiety shot up before the meeting.',
		'I crushed it at my new job.',
		'I bought 2 bottles of water.',
		'I drank two cups of coffee.',
		'I read 12 pages of the Big Book.',
		'I snorted with laughter.',
		'I injected some humour into my share.',
		'I mixed up the dates.',
		'Sober 1,095 days.',
		'It felt odd on the first day.',
		'I ate 2 bars of chocolate instead.',
	])('flags nothing in %j', (input) => {
		expect(checkSafeMessaging(input).flags).toEqual([]);
	});

	it('returns flags sorted by start, without overlaps, with exact offsets', () => {
		const input =
			'By then I was snorting 30s, then I shot up, and some nights I swallowed a handful of ' +
			'pills with three bottles of wine a day. Needles were everywhere.';
		const { flags } = checkSafeMessaging(input);
		expect(flags.map(({ kind, text }) => [kind, text])).toEqual([
			['method', 'snorting'],
			['dose', '30s'],
			['method', 'shot up'],
			['method', 'swallowed a handful of pills'],
			['dose', 'three bottles of wine a day'],
			['method', 'Needles'],
		]);
		for (const [index, flag] of flags.entries()) {
			expect(input.slice(flag.start, flag.end)).toBe(flag.text);
			const next = flags[index + 1];
			if (next) expect(flag.end).toBeLessThanOrEqual(next.start);
		}
	});

	it('gives each kind of flag its own suggestion', () => {
		const { flags } = checkSafeMessaging('I injected 80 mg.');
		expect(flags.map((flag) => flag.kind)).toEqual(['method', 'dose']);
		expect(flags[0]!.suggestion).toMatch(/without how/);
		expect(flags[1]!.suggestion).toMatch(/amounts and doses/);
	});

	it.each<[string, ContentWarningSlug[]]>([
		['I relapsed after two years.', ['relapse']],
		['I slipped in March and called my sponsor.', ['relapse']],
		['I went back out after my sponsor moved.', ['relapse']],
		['I drank again the day after my chip.', ['relapse']],
		['It slipped my mind.', []],
		['Narcan saved me.', ['overdose']],
		['She overdosed last year.', ['overdose']],
		['It felt odd.', []],
		['I felt suicidal for months.', ['suicide']],
		["I didn't want to live anymore.", ['suicide']],
		['I used to hurt myself.', ['self-harm']],
		['I started cutting in high school.', ['self-harm']],
		['I was cutting back on sugar and cutting my hair short.', []],
		['I was abused as a child.', ['abuse']],
		['I went to a substance abuse program.', []],
		['Drug and alcohol abuse ran in my family; I abused pills too.', []],
		['He hit me when he drank.', ['violence']],
		['Then it hit me: I needed help.', []],
		['I fight cravings every day and keep fighting the good fight.', []],
		['He got into a fight with a stranger.', ['violence']],
		['Every day is a fight with my addiction.', []],
		['My dad passed away in 2020.', ['death-and-grief']],
		['I lost my brother to fentanyl.', ['death-and-grief']],
		['I lost my job and I was scared to death.', []],
		['I shot up in the bathroom.', ['detailed-substance-use']],
		['She overdosed on pills and I found her.', ['overdose', 'detailed-substance-use']],
		['I have 212 days sober and a sponsor I trust.', []],
	])('suggests for %j the warnings %j', (input, expected) => {
		expect(checkSafeMessaging(input).suggestedWarnings).toEqual(expected);
	});

	it('lists suggested warnings in the taxonomy order', () => {
		const input =
			'After the funeral I relapsed, he beat me, I was suicidal, I cut myself, ' +
			'I was molested as a kid, and I overdosed on 80 mg.';
		expect(checkSafeMessaging(input).suggestedWarnings).toEqual([...CONTENT_WARNING_SLUGS]);
	});

	it('leaves out warnings the writer already selected', () => {
		const input = 'I relapsed and overdosed on heroin.';
		expect(checkSafeMessaging(input).suggestedWarnings).toEqual([
			'relapse',
			'overdose',
			'detailed-substance-use',
		]);
		expect(checkSafeMessaging(input, ['overdose']).suggestedWarnings).toEqual([
			'relapse',
			'detailed-substance-use',
		]);
		expect(checkSafeMessaging(input, [...CONTENT_WARNING_SLUGS]).suggestedWarnings).toEqual([]);
	});

	it('still flags details when every warning is already selected', () => {
		const report = checkSafeMessaging('I took ten pills.', [...CONTENT_WARNING_SLUGS]);
		expect(report.flags).toHaveLength(1);
		expect(report.suggestedWarnings).toEqual([]);
	});

	it('finds nothing in an empty text', () => {
		expect(checkSafeMessaging('')).toEqual({ flags: [], suggestedWarnings: [] });
	});
});
