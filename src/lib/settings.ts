/**
 * Per-deployment settings that are part of the product rather than the environment.
 * An operator adapting Common Thread to another country edits this one file.
 * (Runtime settings — database path, host, port — are environment variables; see README.)
 */

import type { ContentWarningSlug, TopicSlug } from './taxonomy';

export const SITE_NAME = 'Common Thread';
export const SITE_TAGLINE =
	'Anonymous stories of addiction and recovery, shared so no one walks alone.';
export const SITE_LANGUAGE = 'en';

/**
 * The public address of the site, for canonical links, feeds and share cards.
 * Set it to your domain before deploying (a change here triggers a rebuild on start).
 */
export const SITE_URL = 'http://127.0.0.1:4321';

/** Said before the helplines: for danger right now. */
export const EMERGENCY_NUMBER = { display: '911', uri: 'tel:911' };

/** A service readers can call, text or visit; shown wherever the site points to help. */
export interface Helpline {
	/** The service's own name, e.g. "988 Suicide & Crisis Lifeline". */
	name: string;
	/** One line on what it is and when to use it: what the service itself says it does. */
	description: string;
	/** The same in a few words, for the short note beside a piece: "for distress or crisis". */
	purpose: string;
	/** A number to call, as people read it aloud and as a `tel:` URI. */
	phone?: { display: string; uri: string };
	/** A text (SMS) line, if the service has one. */
	textLine?: { display: string; uri: string };
	website?: string;
}

/** For distress and crisis: first in the footer and beside every piece. */
export const SUICIDE_AND_CRISIS_LIFELINE: Helpline = {
	name: '988 Suicide & Crisis Lifeline',
	purpose: 'for distress, crisis or thoughts of suicide',
	description:
		'If you are in distress, in crisis or thinking about suicide: trained counselors, free and confidential, 24/7.',
	phone: { display: '988', uri: 'tel:988' },
	textLine: { display: 'Text 988', uri: 'sms:988' },
	website: 'https://988lifeline.org/',
};

/**
 * SAMHSA's helpline finds treatment; it does not counsel (its FAQ: "No, we do not provide
 * counseling"), so it is never offered as the number to ring in the middle of a craving.
 */
const SAMHSA_NATIONAL_HELPLINE: Helpline = {
	name: 'SAMHSA National Helpline',
	purpose: 'to find treatment (referral and information, not counseling)',
	description:
		'Treatment referral and information, not counseling: it connects you with local treatment, support groups and services. Free, confidential, 24/7, in English and Spanish.',
	phone: { display: '1-800-662-4357', uri: 'tel:+18006624357' },
	textLine: { display: 'Text your ZIP code to 435748', uri: 'sms:435748' },
	website: 'https://www.samhsa.gov/find-help/helplines/national-helpline',
};

/** Shown in the footer of every page, first line first: distress before treatment referral. */
export const CRISIS_LINES: readonly Helpline[] = [
	SUICIDE_AND_CRISIS_LIFELINE,
	SAMHSA_NATIONAL_HELPLINE,
];

/**
 * NCPG's National Problem Gambling Helpline. Checked December 2026: 1-800-GAMBLER was its
 * national number from 2022 until a New Jersey court ended NCPG's use of it on September 29,
 * 2025 (the number's owner, CCGNJ, now runs it alone); NCPG then answered on its original
 * 1-800-522-4700 and has since announced 1-800-MY-RESET as the national number.
 */
const PROBLEM_GAMBLING_HELPLINE: Helpline = {
	name: 'National Problem Gambling Helpline',
	purpose: 'for gambling problems',
	description:
		'For gambling problems, yours or someone else’s: support and referrals near you, run by the National Council on Problem Gambling. Free, confidential, 24/7.',
	phone: { display: '1-800-MY-RESET (1-800-697-3738)', uri: 'tel:+18006973738' },
	textLine: { display: 'Text 800GAM', uri: 'sms:800426' },
	website: 'https://www.ncpgambling.org/',
};

const FIND_TREATMENT: Helpline = {
	name: 'FindTreatment.gov',
	purpose: 'to find licensed treatment near you',
	description:
		'The federal locator of licensed treatment for substance use and mental health: search by place, type of care, medications offered and payment accepted.',
	website: 'https://findtreatment.gov/',
};

const EMERGENCY_FOR_OVERDOSE: Helpline = {
	name: 'Emergency services (911)',
	purpose: 'if someone may be overdosing',
	description:
		'If someone may be overdosing: call 911, give naloxone if you have it, and stay with them. A second dose may be needed, and naloxone can wear off before the drugs do.',
	phone: EMERGENCY_NUMBER,
};

const NEVER_USE_ALONE: Helpline = {
	name: 'Never Use Alone',
	purpose: 'if you are going to use alone',
	description:
		'If you are going to use alone: call, and a volunteer stays on the line and sends help to your location if you stop responding. Free, confidential, no judgment.',
	phone: { display: '1-800-484-3731', uri: 'tel:+18004843731' },
	website: 'https://neverusealone.com/',
};

/**
 * Lines for a particular need, shown beside pieces and on topic pages about it, before the
 * general lines. A piece matches by topic or by content warning.
 */
export const HELPLINES_BY_TOPIC: Partial<Record<TopicSlug, readonly Helpline[]>> = {
	gambling: [PROBLEM_GAMBLING_HELPLINE],
	'finding-treatment': [FIND_TREATMENT],
	'harm-reduction': [EMERGENCY_FOR_OVERDOSE, NEVER_USE_ALONE],
};
export const HELPLINES_BY_CONTENT_WARNING: Partial<
	Record<ContentWarningSlug, readonly Helpline[]>
> = {
	overdose: [EMERGENCY_FOR_OVERDOSE, NEVER_USE_ALONE],
};

/**
 * How soon a story is read: writers are told "we aim to read every story within N days",
 * and the moderation queue counts the stories that have waited longer.
 */
export const REVIEW_PROMISE_DAYS = 7;

/**
 * Where "Leave this site" goes: an everyday page on another site, so that neither the
 * screen nor the current history entry shows Common Thread.
 */
export const QUICK_EXIT_URL = 'https://www.google.com/search?q=weather';

/** Links in the site header, in order. */
export const NAVIGATION: readonly { href: string; label: string }[] = [
	{ href: '/stories', label: 'Stories' },
	{ href: '/strategies', label: 'Strategies' },
	{ href: '/topics', label: 'Topics' },
	{ href: '/share', label: 'Share your story' },
	{ href: '/about', label: 'About' },
];
