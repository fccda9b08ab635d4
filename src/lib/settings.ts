/**
 * Per-deployment settings that are part of the product rather than the environment.
 * An operator adapting Common Thread to another country edits this one file.
 * (Runtime settings — database path, host, port — are environment variables; see README.)
 */

export const SITE_NAME = 'Common Thread';
export const SITE_TAGLINE =
	'Anonymous stories of addiction and recovery, shared so no one walks alone.';
export const SITE_LANGUAGE = 'en';

/**
 * The public address of the site, for canonical links, feeds and share cards.
 * Set it to your domain before deploying (a change here triggers a rebuild on start).
 */
export const SITE_URL = 'http://127.0.0.1:4321';

export interface CrisisLine {
	/** The service's own name, e.g. "988 Suicide & Crisis Lifeline". */
	name: string;
	/** One line on when to use it. */
	description: string;
	/** The number as people read it aloud. */
	phoneDisplay: string;
	/** The number in a `tel:` URI. */
	phoneUri: string;
	/** A text (SMS) line, if the service has one. */
	textLine?: { display: string; uri: string };
	website: string;
}

/** Shown in the footer of every page, first line first. */
export const CRISIS_LINES: readonly CrisisLine[] = [
	{
		name: 'SAMHSA National Helpline',
		description:
			'Treatment referral and information for substance use, free and confidential, 24/7.',
		phoneDisplay: '1-800-662-4357',
		phoneUri: 'tel:+18006624357',
		textLine: { display: 'Text your ZIP code to 435748', uri: 'sms:435748' },
		website: 'https://www.samhsa.gov/find-help/helplines/national-helpline',
	},
	{
		name: '988 Suicide & Crisis Lifeline',
		description: 'If you are in crisis or thinking about suicide: free, confidential, 24/7.',
		phoneDisplay: '988',
		phoneUri: 'tel:988',
		textLine: { display: 'Text 988', uri: 'sms:988' },
		website: 'https://988lifeline.org/',
	},
];

/**
 * How soon a story is read: writers are told "we aim to read every story within N days",
 * and the moderation queue counts the stories that have waited longer.
 */
export const REVIEW_PROMISE_DAYS = 7;

/** Said before the helplines: for danger right now. */
export const EMERGENCY_NUMBER = { display: '911', uri: 'tel:911' };

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
