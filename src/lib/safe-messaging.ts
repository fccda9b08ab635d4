/**
 * Safe-messaging check, run at the writer's preview and again for moderators: flags amounts and
 * method detail about substance use, overdose or self-harm, and suggests the content warnings a
 * text seems to need. Pure: no I/O, no dependencies beyond the taxonomy.
 */
import { CONTENT_WARNING_SLUGS, type ContentWarningSlug } from './taxonomy.ts';
import { findAll, withoutOverlaps, type TextFinding } from './text-findings.ts';

export type SafetyFlagKind = 'dose' | 'method';

export interface SafetyFlag {
	kind: SafetyFlagKind;
	/** The matched text exactly as it appears in the input. */
	text: string;
	/** Offsets into the input string: input.slice(start, end) === text. */
	start: number;
	end: number;
	/** One plain-language sentence telling the writer what to consider. */
	suggestion: string;
}

export interface SafeMessagingReport {
	/** Sorted by start, never overlapping. */
	flags: SafetyFlag[];
	/** Warnings the text seems to need that are not in `selected`, in the taxonomy's order. */
	suggestedWarnings: ContentWarningSlug[];
}

const SUGGESTIONS: Record<SafetyFlagKind, string> = {
	dose: 'Consider removing amounts and doses: readers in early recovery can find them triggering.',
	method: 'Consider describing what happened without how: method details can put readers at risk.',
};

/**
 * Flags dose and method detail in `text` and lists the content warnings it seems to need,
 * leaving out those already `selected`. The same text always gives the same report.
 */
export function checkSafeMessaging(
	text: string,
	selected: readonly ContentWarningSlug[] = [],
): SafeMessagingReport {
	const flags = withoutOverlaps([...findDoses(text), ...findMethods(text)], DOSE_BEFORE_METHOD).map(
		({ kind, start, end }) => ({
			kind,
			text: text.slice(start, end),
			start,
			end,
			suggestion: SUGGESTIONS[kind],
		}),
	);
	const needed = new Set<ContentWarningSlug>(
		WARNING_SIGNS.filter(({ signs }) => signs.some((sign) => sign.test(text))).map(
			({ warning }) => warning,
		),
	);
	if (flags.length > 0) needed.add('detailed-substance-use');
	return {
		flags,
		suggestedWarnings: CONTENT_WARNING_SLUGS.filter(
			(warning) => needed.has(warning) && !selected.includes(warning),
		),
	};
}

type Finding = TextFinding<SafetyFlagKind>;

/** Where a dose and a method flag cover the same words, the dose is the more useful label. */
const DOSE_BEFORE_METHOD: readonly SafetyFlagKind[] = ['dose', 'method'];

// Doses

const ONES = 'one|two|three|four|five|six|seven|eight|nine';
const TEENS = 'ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen';
const TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
const NUMBER_IN_WORDS = String.raw`(?:(?:a|${ONES})[ \t-]+hundred|hundreds[ \t]+of|(?:${TENS})(?:[ \t-]+(?:${ONES}))?|${TEENS}|${ONES}|a[ \t]+dozen|dozens[ \t]+of|half[ \t]+an?|a[ \t]+handful[ \t]+of)`;
/** "80", "0.5", "2-3", "3 or 4". */
const NUMBER_IN_DIGITS = String.raw`\d+(?:[.,]\d+)?(?:[ \t]*(?:-|–|to|or)[ \t]*\d+(?:[.,]\d+)?)?`;

/**
 * Units of weight or volume, things counted when people describe how much they used, and pill
 * names counted like units ("twelve Percocet").
 */
const DOSE_UNITS = [
	...['mg', 'milligrams?', 'mcg', 'micrograms?', 'µg', 'g', 'grams?', 'ml', 'millilit(?:er|re)s?'],
	...['lit(?:er|re)s?', 'cc', 'oz', 'ounces?', 'pills?', 'tablets?', 'tabs', 'capsules?'],
	...['bags?', 'bundles?', 'bars', 'patches', 'shots', 'drinks', 'beers', 'cans', 'pints'],
	...['glasses', 'bottles?', 'fifths?', 'handles', 'eighths', 'percocets?', 'percs', 'oxys'],
	...['oxycontins?', 'vicodins?', 'norcos?', 'klonopins?', 'valiums?', 'ativans?', 'adderalls?'],
	...['roxys', 'roxies', 'opanas?', 'benzos', 'xannies'],
	// Pill slang ("two 30s") only counts after a quantity and a space: alone it is a decade.
	String.raw`(?<=\s)(?:10|15|20|30|40|60|80)s`,
].join('|');
/** Units that "a"/"an" quantifies as a dose; "a drink" or "a bottle" alone are too ordinary. */
const SINGLE_DOSE_UNITS = 'gram|ounce|eighth|fifth|bundle|eight[ \t-]?ball|half[ \t-]gram';
/** A drug name between quantity and unit: "ten Xanax bars", "two fentanyl patches". */
const DRUG_WORD = String.raw`(?:fentanyl|fent|oxy|oxycodone|xanax|valium|klonopin|ativan|percocet|perc|vicodin|norco|adderall|morphine|heroin|meth|coke|blue|green|white|yellow)`;
/** What the amount was of: "of wine", "of vodka"; "of the…" belongs to the rest of the sentence. */
const OF_SUBSTANCE = String.raw`(?:[ \t]+of[ \t]+(?!(?:the|my|his|her|their|our|your|it|them|that|this|those|these|what|which)\b)[\p{L}'’-]+)?`;
/** "Two bottles of water" is not a dose. */
const NOT_A_SUBSTANCE = String.raw`(?![ \t]+of[ \t]+(?:water|milk|juice|soda|pop|tea|coffee|espresso|chocolate|soap|shampoo)\b)`;
/** "a day", "every night": part of how much someone used. */
const EVERY_PERIOD = String.raw`[ \t]+(?:a|an|per|each|every)[ \t]+(?:day|night|week|weekend|morning|evening|hour)\b`;
const HOW_OFTEN = String.raw`(?:${EVERY_PERIOD})?`;
const DOSE_TAIL = String.raw`\b${NOT_A_SUBSTANCE}${OF_SUBSTANCE}${HOW_OFTEN}`;

/**
 * Units that are everyday words too ("four points", "ten lines across the page", "three hits
 * on my application"): a dose only with what was used, how often, or where from.
 */
const AMBIGUOUS_UNITS = 'points|lines|hits';
const DRUG_POWDERS = String.raw`(?:coke|cocaine|meth|crystal|crack|heroin|dope|speed|fentanyl|fent|ketamine|powder|molly|ice)`;
const AMBIGUOUS_UNIT_CONTEXT = String.raw`(?:[ \t]+of[ \t]+${DRUG_POWDERS}\b|${EVERY_PERIOD}|[ \t]+off[ \t]+(?:the|a|my|his|her)[ \t]+(?:pipe|mirror|foil|bong|key|table|plate)\b)`;
/** "One pill can kill", "one drink is too many": a single one is not an amount to leave out. */
const NOT_A_SINGLE_ITEM = String.raw`(?!(?:one|1)[ \t]+(?:\p{L}+[ \t]+)?(?:pill|tablet|capsule|bag|bundle|bottle|shot|drink|beer|can|pint|glass|patch|bar)\b)`;
const QUANTITY = String.raw`(?<![\w.,$£€])${NOT_A_SINGLE_ITEM}(?:${NUMBER_IN_DIGITS}[ \t]*|\b${NUMBER_IN_WORDS}[ \t]+)`;
const DOSE = new RegExp(
	String.raw`${QUANTITY}(?:${DRUG_WORD}[ \t]+)?(?:${DOSE_UNITS})${DOSE_TAIL}`,
	'giu',
);
const AMBIGUOUS_DOSE = new RegExp(
	String.raw`${QUANTITY}(?:${AMBIGUOUS_UNITS})${AMBIGUOUS_UNIT_CONTEXT}`,
	'giu',
);
const ALCOHOL = 'vodka|whiskey|whisky|gin|rum|tequila|wine|beer|bourbon|scotch|brandy|liquor|booze';
/** "A handle of whiskey", "a bottle of wine a day"; "a bottle of wine" at dinner is not a dose. */
const ALCOHOL_MEASURE = new RegExp(
	String.raw`\b(?:a|an)[ \t]+(?:(?:handle|lit(?:er|re))[ \t]+of[ \t]+(?:${ALCOHOL})\b${HOW_OFTEN}|(?:bottle|pint)[ \t]+of[ \t]+(?:${ALCOHOL})\b${EVERY_PERIOD})`,
	'giu',
);
const SINGLE_DOSE = new RegExp(
	String.raw`\b(?:a|an)[ \t]+(?:${SINGLE_DOSE_UNITS})${DOSE_TAIL}`,
	'giu',
);
/** Pill slang without a quantity, recognised by the verb or name before it: "snorting 30s". */
const PILL_SLANG = new RegExp(
	String.raw`(?<=\b(?:take|taking|took|snort|snorting|snorted|smoke|smoking|smoked|buy|buying|bought|sell|selling|sold|pop|popping|popped|crush|crushing|crushed|doing|did|blue|perc|percs|oxy|roxy|roxies)[ \t]+)(?:10|15|20|30|40|60|80)s\b|\bm30s?\b`,
	'gi',
);

function findDoses(text: string): Finding[] {
	return [DOSE, AMBIGUOUS_DOSE, SINGLE_DOSE, ALCOHOL_MEASURE, PILL_SLANG].flatMap((pattern) =>
		findAll(text, pattern, 'dose'),
	);
}

// Methods

const BODY_PARTS = 'arms?|wrists?|legs?|thighs?|skin|stomach';
const HARD_DRUGS = 'crack|meth|heroin|fentanyl|fent|dope|ice|glass|rocks?|coke|cocaine|tar|speed';

/** Phrases describing how someone used or harmed themselves. */
const METHODS: readonly RegExp[] = [
	/\binject(?:ed|ing|s)?\b(?![ \t]+(?:some[ \t]+)?(?:humou?r|fun|energy|life|money|cash|hope)\b)/gi,
	// "My anxiety shot up" is a figure of speech, not a method.
	/(?<!\b(?:anxiety|prices?|rates?|rent|hands?|pressure|numbers?|sales|temperature|fever|eyebrows?)[ \t]+)\b(?:shoot|shoots|shot|shooting)[ \t]+up\b/gi,
	new RegExp(
		String.raw`\b(?:shoot|shoots|shot|shooting)[ \t]+(?:${HARD_DRUGS}|junk|drugs)\b`,
		'gi',
	),
	/\bsnort(?:ed|ing|s)?\b(?![ \t]+(?:with[ \t]+laughter|at\b))/gi,
	new RegExp(
		String.raw`\bsmok(?:e|ed|es|ing)[ \t]+(?:some[ \t]+|the[ \t]+)?(?:${HARD_DRUGS}|oxys?|pills|foils?|blues|m30s)\b`,
		'gi',
	),
	/\bcook(?:ed|ing|s)?[ \t]+(?:up[ \t]+)?(?:it|meth|dope|crack|heroin|the[ \t]+(?:dope|meth))\b/gi,
	/\bcrush(?:ed|es|ing)?[ \t]+(?:up[ \t]+)?(?:the[ \t]+|my[ \t]+|some[ \t]+)?(?:pills?|tablets?|oxys?|percs?|percocets?|xanax|bars|opanas?)\b/gi,
	/\bmix(?:ed|es|ing)?[ \t]+(?:it|them|pills|benzos|xanax|alcohol|booze|opioids|opiates|fentanyl|heroin|coke|cocaine|methadone|drugs|uppers|downers)[ \t]+with\b/gi,
	/\b(?:overdos(?:e|ed|es|ing)|od['’]e?d|oded|od['’]?ing)[ \t]+on\b/gi,
	/\bswallow(?:ed|s|ing)?[ \t]+(?:all|a[ \t]+handful|the[ \t]+whole|the[ \t]+rest|every)\b(?:[ \t]+(?:of[ \t]+)?(?:the[ \t]+|my[ \t]+)?(?:pills?|tablets?|bottle|pack|them)\b)?/gi,
	new RegExp(
		String.raw`\bcut(?:s|ting)?[ \t]+(?:myself|herself|himself|themselves|my[ \t]+(?:${BODY_PARTS}))\b`,
		'gi',
	),
	/\bslit[ \t]+my[ \t]+wrists?\b/gi,
	new RegExp(
		String.raw`\bburn(?:s|ed|t|ing)?[ \t]+(?:myself|herself|himself|themselves|my[ \t]+(?:${BODY_PARTS}))\b`,
		'gi',
	),
	/\b(?:find|found|finding|hit|hitting|miss|missed|missing)[ \t]+(?:a|the|my)[ \t]+vein\b/gi,
	/\bchas(?:e|ed|es|ing)[ \t]+the[ \t]+dragon\b/gi,
	/\bfreebas(?:e|ed|es|ing)\b/gi,
	/\bt(?:ie|ies|ied|ying)[ \t]+off\b/gi,
	/\bneedles?\b(?![ \t]+in[ \t]+a[ \t]+haystack)/gi,
];

function findMethods(text: string): Finding[] {
	return METHODS.flatMap((pattern) => findAll(text, pattern, 'method'));
}

// Content warnings

const LOVED_ONES = [
	...['mom', 'mum', 'mother', 'dad', 'father', 'son', 'daughter', 'brother', 'sister', 'wife'],
	...['husband', 'partner', 'best friend', 'friend', 'sponsor', 'baby', 'child', 'grandma'],
	...['grandmother', 'grandpa', 'grandfather', 'aunt', 'uncle', 'cousin', 'fiancée?'],
	...['girlfriend', 'boyfriend', 'parents'],
].join('|');
const SUBSTANCES_ABUSED = [
	...['substances?', 'alcohol', 'drugs?', 'opioids?', 'opiates?', 'prescriptions?', 'pills?'],
	...['painkillers?', 'polysubstance', 'cannabis', 'marijuana', 'cocaine', 'meth', 'heroin'],
	...['benzos?', 'xanax', 'stimulants?', 'adderall', 'chemicals?', 'solvents?', 'inhalants?'],
	...['booze'],
].join('|');

/** Words that suggest each warning, case-insensitive; "detailed-substance-use" comes from flags. */
const WARNING_SIGNS: readonly { warning: ContentWarningSlug; signs: readonly RegExp[] }[] = [
	{
		warning: 'relapse',
		signs: [
			/\brelaps(?:e|es|ed|ing)\b/i,
			// "It slipped my mind" and "slipped on the ice" are not relapses.
			/\bslipped\b(?![ \t]+(?:on|my|out|through|into|away|off|past|and[ \t]+fell)\b)/i,
			/\b(?:had|have|after)[ \t]+a[ \t]+slip\b/i,
			/\bpick(?:ed|ing)?[ \t]+up[ \t]+(?:again|a[ \t]+drink)\b/i,
			/\bwent[ \t]+back[ \t]+out\b/i,
			/\b(?:drank|drinking|used|using)[ \t]+again\b/i,
		],
	},
	{
		warning: 'overdose',
		signs: [
			/\boverdos(?:e|es|ed|ing)\b/i,
			/\bod(?:['’]e?d|ed|['’]?ing)?\b/i,
			/\bnarcan\b/i,
			/\bnaloxone\b/i,
		],
	},
	{
		warning: 'self-harm',
		signs: [
			/\bself[- ]?harm(?:ed|ing)?\b/i,
			new RegExp(
				// "Cutting him off", "cutting corners", "cutting class": cutting something or someone else.
				String.raw`\bcutting\b(?!-)(?![ \t]+(?:back|down|ties|off|out|it|them|him|me|you|us|people|everyone|someone|anyone|friends|the|a|an|his|her|their|our|your|through|in[ \t]+line|into|across|corners|class|school|hair|edge|loose|up|short|costs?|coupons|remarks?|words)\b)(?![ \t]+my[ \t]+(?!${BODY_PARTS}))`,
				'i',
			),
			/\b(?:cut|cuts|hurt|hurts|hurting|burn|burned|burnt|burning)[ \t]+myself\b/i,
			new RegExp(String.raw`\bcut(?:s|ting)?[ \t]+my[ \t]+(?:${BODY_PARTS})\b`, 'i'),
		],
	},
	{
		warning: 'suicide',
		signs: [
			/\bsuicid(?:e|es|al|ality)\b/i,
			/\bkill(?:ed|ing)?[ \t]+myself\b/i,
			/\bend(?:ed|ing)?[ \t]+(?:my[ \t]+(?:own[ \t]+)?life|it[ \t]+all)\b/i,
			/\b(?:take|took|taking)[ \t]+my[ \t]+own[ \t]+life\b/i,
			/\b(?:didn['’]?t|did[ \t]+not|don['’]?t|do[ \t]+not)[ \t]+want[ \t]+to[ \t]+(?:live|be[ \t]+alive|wake[ \t]+up)\b/i,
			/\bwant(?:ed)?[ \t]+to[ \t]+die\b/i,
		],
	},
	{
		warning: 'abuse',
		signs: [
			// Substance abuse is the subject of most stories here, not abuse of a person.
			new RegExp(
				String.raw`(?<!\b(?:${SUBSTANCES_ABUSED})[ \t-]+)\babus(?:e|es|ed|ing|ive|er|ers)\b(?![ \t]+(?:of[ \t]+)?(?:${SUBSTANCES_ABUSED}|my[ \t]+prescription)\b)`,
				'i',
			),
			/\bmolest(?:ed|ing|ation|er)?\b/i,
			/\bassault(?:ed|s|ing)?\b/i,
			/\brap(?:e|ed|ist)\b/i,
		],
	},
	{
		warning: 'violence',
		signs: [
			/\bviolen(?:ce|t|tly)\b/i,
			// "Then it hit me" is a realisation, not a blow.
			/(?<!\b(?:it|that|this|reality|truth|realization|realisation|what)[ \t]+)\bhit(?:s|ting)?[ \t]+me\b/i,
			/\bbeat(?:s|ing)?[ \t]+me\b(?![ \t]+to\b)/i,
			/\bbeaten\b/i,
			/\bpunch(?:ed|es|ing)\b/i,
			// "Fight cravings", "fighting for my life", "the good fight" are figures of speech.
			// "Stop fighting", "fighting about money": giving up a struggle, or an argument.
			/(?<!\b(?:good|stop|stopped|stopping|quit|quitting|no|without|not)[ \t]+)\b(?:fist[ \t]?)?fight(?:s|ing)?\b(?![ \t]+(?:for|against|the|it|my|this|cravings?|urges?|back|through|on|off|to|or|about|over|everything|addiction|temptation|every|each|with[ \t]+(?:my[ \t]+|the[ \t]+)?(?:addiction|disease|demons|cravings|urges))\b)/i,
			/\bweapons?\b/i,
			/\bguns?\b|\bgunpoint\b/i,
			/\bstabb(?:ed|ing)\b/i,
		],
	},
	{
		warning: 'death-and-grief',
		signs: [
			/\b(?:died|dies|passed[ \t]+away|funerals?|grief|griev(?:e|ed|es|ing)|bereave(?:d|ment))\b/i,
			// "Scared to death" is a figure of speech.
			/(?<!\bto[ \t]+)\bdeaths?\b/i,
			new RegExp(String.raw`\blost[ \t]+(?:my|our|his|her|their)[ \t]+(?:${LOVED_ONES})\b`, 'i'),
		],
	},
];
