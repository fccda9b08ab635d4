/**
 * Why a moderator may decline a story. The guidelines page lists them, and a declined
 * writer sees the one that applied at /my-story, so both always agree.
 */
export const DECLINE_REASONS = [
	{
		slug: 'identifying-details',
		label: 'It identifies someone',
		explanation:
			'The story names or points to real people, places or employers in a way we could not safely edit out.',
	},
	{
		slug: 'unsafe-detail',
		label: 'It could put readers at risk',
		explanation:
			'It describes methods, doses or amounts of substance use, overdose or self-harm in a way that could harm someone in early recovery.',
	},
	{
		slug: 'harm-to-others',
		label: 'It harms or targets others',
		explanation:
			'It contains hate, harassment, threats, or shames other people for their recovery path.',
	},
	{
		slug: 'not-a-recovery-story',
		label: 'It is not a recovery story',
		explanation:
			'It is advertising, spam, a fundraiser, or unrelated to addiction and recovery for the writer or their family.',
	},
	{
		slug: 'medical-claims',
		label: 'It gives medical instructions',
		explanation:
			'It tells readers to start, stop or change medication or treatment. Personal experience is welcome; instructions are not.',
	},
	{
		slug: 'crisis',
		label: 'The writer may be in crisis',
		explanation:
			'It reads as a call for urgent help. We cannot respond on this site, so we point to the crisis lines instead.',
	},
] as const;

export type DeclineReasonSlug = (typeof DECLINE_REASONS)[number]['slug'];

/** The reader-facing label of a decline reason slug (or the text itself for older notes). */
export function declineReasonLabel(reason: string): string {
	return DECLINE_REASONS.find((candidate) => candidate.slug === reason)?.label ?? reason;
}
