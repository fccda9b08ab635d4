/**
 * Finds details in a story that could identify its writer or the people in it, so the writer is
 * warned at preview and moderators see them highlighted. Pure: no I/O, no dependencies.
 *
 * Every detector errs towards flagging: a false alarm costs the writer a glance, a miss can cost
 * someone their anonymity.
 */

import { findAll, withoutOverlaps, type TextFinding } from './text-findings.ts';

export type IdentifyingDetailKind =
	'email' | 'phone' | 'url' | 'street-address' | 'social-handle' | 'self-name' | 'personal-name';

export interface IdentifyingDetail {
	kind: IdentifyingDetailKind;
	/** The matched text exactly as it appears in the input. */
	text: string;
	/** Offsets into the input string: input.slice(start, end) === text. */
	start: number;
	end: number;
	/** One plain-language sentence telling the writer what to do. */
	suggestion: string;
}

/** Human labels for each kind, e.g. 'phone' -> 'Phone number'. */
export const IDENTIFYING_DETAIL_LABELS: Record<IdentifyingDetailKind, string> = {
	email: 'Email address',
	phone: 'Phone number',
	url: 'Web link',
	'street-address': 'Street address',
	'social-handle': 'Social media handle',
	'self-name': 'Your name',
	'personal-name': "Someone's name",
};

const SUGGESTIONS: Record<IdentifyingDetailKind, string> = {
	email: 'Remove the email address; moderators will never contact you, and readers should not.',
	phone: 'Remove the phone number; anyone reading the story could use it to find you.',
	url: 'Remove the link; websites and profiles can lead readers back to you or to others.',
	'street-address':
		'Remove the address or make it general, like "across town", so no one can find the place.',
	'social-handle': 'Remove the social media handle; it ties this story to an account.',
	'self-name': 'Leave your name out or use a made-up one, so the story stays anonymous.',
	'personal-name':
		'Replace the name with who they are to you, like "my sponsor" or an initial, to protect them.',
};

/** When two findings overlap and are equally long, the kind listed first is more specific. */
const KIND_PRECEDENCE: readonly IdentifyingDetailKind[] = [
	'email',
	'url',
	'street-address',
	'phone',
	'social-handle',
	'self-name',
	'personal-name',
];

type Finding = TextFinding<IdentifyingDetailKind>;

/** Finds identifying details in `text`, sorted by start and never overlapping each other. */
export function findIdentifyingDetails(text: string): IdentifyingDetail[] {
	const findings = [
		...findEmails(text),
		...findUrls(text),
		...findStreetAddresses(text),
		...findPhoneNumbers(text),
		...findSocialHandles(text),
		...findSelfNames(text),
		...findPersonalNames(text),
	];
	return withoutOverlaps(findings, KIND_PRECEDENCE).map(({ kind, start, end }) => ({
		kind,
		text: text.slice(start, end),
		start,
		end,
		suggestion: SUGGESTIONS[kind],
	}));
}

// Emails

const EMAIL = /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}(?![\w-])/g;

function findEmails(text: string): Finding[] {
	return findAll(text, EMAIL, 'email');
}

// URLs

/**
 * Top-level domains common enough to be written bare ("mysite.org"). Endings that are also
 * everyday words ("in", "it", "is", "to", "me", "my"…) are left out: a missing space after a
 * full stop would otherwise read as a link.
 */
const BARE_DOMAIN_ENDINGS =
	'com|org|net|edu|gov|info|biz|io|co|uk|us|ca|au|nz|ie|de|fr|ly|tv|app|dev|xyz|site|online|' +
	'blog|store|shop|live|life';

const SCHEME_URL = /\bhttps?:\/\/[^\s<>"]+/gi;
const WWW_URL = /(?<![\w.@/-])www\.[^\s<>"]+/gi;
/** Lowercase endings only: "sober.So" is a missing space, not a link. */
const BARE_DOMAIN_URL = new RegExp(
	String.raw`(?<![\w.@/-])(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+(?:${BARE_DOMAIN_ENDINGS})(?![\w-])(?:[/?#][^\s<>"]*)?`,
	'g',
);

const TRAILING_SENTENCE_PUNCTUATION = new Set('.,;:!?\'"’”*');

function findUrls(text: string): Finding[] {
	return [SCHEME_URL, WWW_URL, BARE_DOMAIN_URL]
		.flatMap((pattern) => findAll(text, pattern, 'url'))
		.map((finding) => ({
			...finding,
			end:
				finding.start + withoutTrailingPunctuation(text.slice(finding.start, finding.end)).length,
		}));
}

/**
 * Drops the sentence punctuation a link is written next to, keeping brackets the link opened.
 * Counts the brackets once and keeps the counts as it trims: recounting for every trailing
 * character made a link followed by thousands of `)` cost seconds (a request could stall the site).
 */
function withoutTrailingPunctuation(url: string): string {
	const open = { ')': count(url, '('), ']': count(url, '[') };
	const closed = { ')': count(url, ')'), ']': count(url, ']') };
	let end = url.length;
	while (end > 0) {
		const last = url[end - 1]!;
		const unbalancedClosing = (last === ')' || last === ']') && closed[last] > open[last];
		if (!(TRAILING_SENTENCE_PUNCTUATION.has(last) || unbalancedClosing)) break;
		if (last === ')' || last === ']') closed[last] -= 1;
		end -= 1;
	}
	return url.slice(0, end);
}

function count(text: string, character: string): number {
	return text.split(character).length - 1;
}

// Street addresses

const STREET_TYPES =
	'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|' +
	'Terrace|Circle|Highway|Hwy|Parkway|Pkwy';

/**
 * House number, one to three capitalised (or ordinal) words, a street type, maybe a unit.
 * "The 12 Steps Way of Life" is a program, not an address.
 */
const STREET_ADDRESS = new RegExp(
	String.raw`\b\d{1,6}[A-Za-z]?[ \t]+(?:(?!Steps?\b|Traditions?\b)(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th))[ \t]+){1,3}(?:${STREET_TYPES})\b(?:\.?,?[ \t]+(?:(?:Apt|Apartment|Unit|Suite|Ste)\.?[ \t]*#?|#[ \t]*)[A-Za-z0-9-]+)?`,
	'gu',
);
const POST_OFFICE_BOX = /\b(?:P\.?[ \t]?O\.?|Post[ \t]+Office)[ \t]*Box[ \t]+\d+/gi;

/** "in 2019 Wall Street…": a year, not a house number. */
const YEAR_BEFORE_CAPITALISED_WORD = /^(?:19|20)\d\d /;
const PREPOSITION_BEFORE_YEAR = /\b(?:in|since|until|by|from|of|during)[ \t]+$/i;

function findStreetAddresses(text: string): Finding[] {
	const addresses = findAll(text, STREET_ADDRESS, 'street-address').filter(
		(finding) =>
			!(
				YEAR_BEFORE_CAPITALISED_WORD.test(text.slice(finding.start, finding.end)) &&
				PREPOSITION_BEFORE_YEAR.test(text.slice(0, finding.start))
			),
	);
	return [...addresses, ...findAll(text, POST_OFFICE_BOX, 'street-address')];
}

// Phone numbers

/**
 * Digit groups joined by single spaces, dots, hyphens or brackets. Deliberately loose: which
 * of these are phone numbers is decided by counting digits and groups in isPhoneNumber.
 * Not preceded by a currency sign, another number or a word, so "$5,000" and "1,095" stay out.
 */
const PHONE_CANDIDATE =
	/(?<![\p{L}\p{N}_$£€¥@#/+]|\p{N}[.,:/–-])\+?(?:\(\d{1,5}\)|\d+)(?:(?:[ .-]|(?<=\)))(?:\(\d{1,5}\)|\d+))*/gu;
const YEAR = /^(?:19|20)\d\d$/;
/** "1 000 000": thousands separated by spaces, as many languages write large numbers. */
const SPACED_THOUSANDS = /^[1-9]\d{0,2}(?: \d{3})+$/;
const NUMERIC_DATE = /^(?:\d{4}[.-]\d{1,2}[.-]\d{1,2}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4})$/;

function findPhoneNumbers(text: string): Finding[] {
	return findAll(text, PHONE_CANDIDATE, 'phone')
		.map((finding) => {
			// Once hyphens or dots separate the groups, a space ends the number: "555-123-4567 24/7".
			const candidate = text.slice(finding.start, finding.end);
			const spaceAfterPunctuatedGroup = candidate.search(/(?<=[.-]\d+) /);
			if (spaceAfterPunctuatedGroup === -1) return finding;
			return { ...finding, end: finding.start + spaceAfterPunctuatedGroup };
		})
		.filter((finding) =>
			isPhoneNumber(text.slice(finding.start, finding.end), text.slice(finding.end)),
		);
}

function isPhoneNumber(candidate: string, following: string): boolean {
	// Glued to a word, a percent sign or more digits ("3.5%", "10am"): part of something else.
	if (/^(?:[\p{L}\p{N}%]|[.,:/–-]\d)/u.test(following)) return false;
	const digitGroups = candidate.match(/\d+/g) ?? [];
	const digitCount = digitGroups.join('').length;
	if (digitCount < 7 || digitCount > 15 || digitGroups.length > 6) return false;
	const international = candidate.startsWith('+');
	if (digitGroups.length === 1) return international || digitCount >= 10;
	// One digit alone is only a country code, trunk prefix ("1-800") or area code ("+33 1").
	const singleDigitAllowed = (index: number) => index === 0 || (international && index === 1);
	if (digitGroups.some((group, index) => group.length === 1 && !singleDigitAllowed(index)))
		return false;
	// Two groups without a country code: "07700 900123" has ten or more digits, "2019-2021" not.
	if (digitGroups.length === 2 && !international && digitCount < 10) return false;
	if (digitGroups.every((group) => YEAR.test(group))) return false;
	return !NUMERIC_DATE.test(candidate) && !SPACED_THOUSANDS.test(candidate);
}

// Social handles

/** Starts with a letter or underscore so "@7pm" stays a time; a following ".com" makes an email. */
const SOCIAL_HANDLE = /(?<![\w.@/+-])@[A-Za-z_]\w{1,29}(?![\w@]|\.[A-Za-z0-9])/g;

function findSocialHandles(text: string): Finding[] {
	return findAll(text, SOCIAL_HANDLE, 'social-handle');
}

// Names

/** A word that might be a name; whether it is capitalised like one is checked by isNameWord. */
const NAME_WORD = String.raw`(?:\p{L}['’])?\p{L}+(?:-\p{L}+)*`;
/** One or two candidate name words, captured separately. */
const NAME = String.raw`(${NAME_WORD})(?:[ \t]+(${NAME_WORD}))?`;
/** "Dave", "O'Brien", "McKenzie", "Mary-Jane", "Zoë"; not "I", "AA" or "dave". */
const CAPITALISED_NAME_WORD =
	/^(?:\p{Lu}['’])?\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)*$/u;

/**
 * Capitalised words that follow "my wife", "call me"… without being a name: pronouns, sentence
 * starters, days, months, holidays, family titles and the substances stories personify.
 */
const NOT_NAMES = new Set([
	...['he', 'him', 'his', 'she', 'her', 'hers', 'they', 'them', 'their', 'we', 'us', 'our'],
	...['you', 'your', 'it', 'its', 'me', 'my', 'mine'],
	...['the', 'a', 'an', 'and', 'but', 'or', 'so', 'then', 'when', 'while', 'after', 'before'],
	...['because', 'since', 'if', 'that', 'this', 'these', 'those', 'there', 'here', 'what'],
	...['who', 'why', 'how', 'where', 'now', 'today', 'yesterday', 'tomorrow', 'tonight'],
	...['every', 'last', 'next', 'still', 'just', 'even', 'also', 'not', 'no', 'yes', 'oh'],
	...['well', 'once', 'later', 'sometimes', 'always', 'never', 'maybe', 'please', 'thanks'],
	...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
	...['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september'],
	...['october', 'november', 'december'],
	...['christmas', 'easter', 'thanksgiving', 'halloween', 'new'],
	...['mom', 'mum', 'mommy', 'mama', 'dad', 'daddy', 'papa', 'mother', 'father', 'grandma'],
	...['grandpa', 'granny', 'nana', 'sir', 'madam', 'nature', 'time'],
	...['god', 'higher', 'power', 'alcohol', 'booze', 'vodka', 'whiskey', 'heroin', 'meth'],
	...['cocaine', 'crack', 'fentanyl', 'xanax', 'addiction', 'recovery', 'sobriety'],
	// "Hi, I'm Grateful to be here" is a feeling, not a name.
	...['grateful', 'sober', 'clean', 'happy', 'glad', 'sorry', 'fine', 'okay', 'good', 'better'],
	...['back', 'done', 'free', 'tired', 'proud', 'home', 'alive', 'ready', 'finally', 'really'],
]);

function isNameWord(word: string | undefined): word is string {
	return (
		word !== undefined && CAPITALISED_NAME_WORD.test(word) && !NOT_NAMES.has(word.toLowerCase())
	);
}

/**
 * The span of the name captured by groups 1 and 2 of `match` (made with the `d` flag), or
 * nothing when the first word is not a name. A second word that is not a name is left off.
 */
function nameSpan(match: RegExpExecArray, kind: IdentifyingDetailKind): Finding | undefined {
	const [firstWord, secondWord] = [match[1], match[2]];
	const firstSpan = match.indices?.[1];
	if (!isNameWord(firstWord) || firstSpan === undefined) return undefined;
	const end = isNameWord(secondWord) ? match.indices?.[2]?.[1] : undefined;
	return { kind, start: firstSpan[0], end: end ?? firstSpan[1] };
}

function findNames(text: string, pattern: RegExp, kind: IdentifyingDetailKind): Finding[] {
	return [...text.matchAll(pattern)].flatMap((match) => nameSpan(match, kind) ?? []);
}

const I_AM = String.raw`(?:i['’]m|i[ \t]+am)`;
/** Ways writers introduce themselves; case-insensitive, the name's capital is checked after. */
const SELF_NAME_INTRODUCTIONS = [
	new RegExp(
		String.raw`\b(?:my[ \t]+name[ \t]+is|my[ \t]+name['’]s|${I_AM}[ \t]+called|calls?[ \t]+me)[ \t]+${NAME}`,
		'giud',
	),
	// The meeting greeting: "Hi, I'm Dave" and "I'm Dave, and I'm an alcoholic".
	new RegExp(String.raw`\b(?:hi|hello|hey)[,!]?[ \t]+${I_AM}[ \t]+${NAME}`, 'giud'),
	new RegExp(
		String.raw`\b${I_AM}[ \t]+${NAME},?[ \t]+(?:and[ \t]+)?${I_AM}[ \t]+an?[ \t]+(?:alcoholic|addict)`,
		'giud',
	),
];

function findSelfNames(text: string): Finding[] {
	return SELF_NAME_INTRODUCTIONS.flatMap((pattern) => findNames(text, pattern, 'self-name'));
}

const RELATIONS = [
	...['sponsor', 'sponsee', 'wife', 'husband', 'partner', 'spouse', 'ex', 'son', 'daughter'],
	...['kid', 'child', 'children', 'baby', 'mom', 'mum', 'mother', 'dad', 'father', 'brother'],
	...['sister', 'stepmom', 'stepmother', 'stepdad', 'stepfather', 'stepson', 'stepdaughter'],
	...['boss', 'friend', 'girlfriend', 'boyfriend', 'fiancé', 'fiancée', 'fiance', 'fiancee'],
	...['counselor', 'counsellor', 'therapist', 'doctor', 'nurse', 'aunt', 'uncle', 'cousin'],
	...['niece', 'nephew', 'grandma', 'grandmother', 'grandpa', 'grandfather', 'roommate'],
	...['coworker', 'neighbor', 'neighbour'],
].join('|');

/** "my sponsor Dave", "my wife, Sarah", "kids named Ava", "my doctor, Dr. Patel". */
const PERSONAL_NAME_AFTER_RELATION = new RegExp(
	String.raw`\b(?:${RELATIONS})s?(?:,[ \t]*|[ \t]+(?:named|called)[ \t]+|[ \t]+)(?:(?:dr|mr|mrs|ms)\.?[ \t]+)?${NAME}`,
	'giud',
);

function findPersonalNames(text: string): Finding[] {
	return findNames(text, PERSONAL_NAME_AFTER_RELATION, 'personal-name');
}
