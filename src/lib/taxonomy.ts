/**
 * The one taxonomy of Common Thread: topics readers browse by, and the fixed list of
 * content warnings. Curated frontmatter, submissions and filters all validate against it.
 */

export const TOPIC_GROUPS = {
	substance: 'Substances and behaviors',
	pathway: 'Pathways',
	theme: 'Themes',
} as const;
export type TopicGroup = keyof typeof TOPIC_GROUPS;

export const TOPICS = [
	{ slug: 'alcohol', label: 'Alcohol', group: 'substance' },
	{ slug: 'opioids', label: 'Opioids', group: 'substance' },
	{ slug: 'stimulants', label: 'Stimulants', group: 'substance' },
	{ slug: 'cannabis', label: 'Cannabis', group: 'substance' },
	{ slug: 'benzodiazepines', label: 'Benzodiazepines', group: 'substance' },
	{ slug: 'gambling', label: 'Gambling', group: 'substance' },
	{ slug: 'polysubstance', label: 'More than one substance', group: 'substance' },
	{ slug: 'twelve-step', label: '12-step (AA/NA)', group: 'pathway' },
	{ slug: 'smart-recovery', label: 'SMART Recovery', group: 'pathway' },
	{
		slug: 'medication-assisted',
		label: 'Medications for addiction (MOUD, MAUD)',
		group: 'pathway',
	},
	{ slug: 'faith-based', label: 'Faith-based', group: 'pathway' },
	{ slug: 'secular', label: 'Secular and other paths', group: 'pathway' },
	{ slug: 'early-recovery', label: 'Early recovery', group: 'theme' },
	{ slug: 'cravings', label: 'Cravings', group: 'theme' },
	{ slug: 'triggers', label: 'Triggers', group: 'theme' },
	{ slug: 'relapse', label: 'Relapse', group: 'theme' },
	{ slug: 'milestones', label: 'Milestones', group: 'theme' },
	{ slug: 'family', label: 'Family', group: 'theme' },
	{ slug: 'grief', label: 'Grief', group: 'theme' },
	{ slug: 'work', label: 'Work', group: 'theme' },
	{ slug: 'community', label: 'Community', group: 'theme' },
	{ slug: 'long-term-recovery', label: 'Long-term recovery', group: 'theme' },
	{ slug: 'harm-reduction', label: 'Overdose and harm reduction', group: 'theme' },
	{ slug: 'finding-treatment', label: 'Finding treatment', group: 'theme' },
	{ slug: 'mental-health', label: 'Mental health', group: 'theme' },
] as const satisfies readonly { slug: string; label: string; group: TopicGroup }[];

export type TopicSlug = (typeof TOPICS)[number]['slug'];
export const TOPIC_SLUGS = TOPICS.map((topic) => topic.slug) as [TopicSlug, ...TopicSlug[]];

export const CONTENT_WARNINGS = [
	{ slug: 'relapse', label: 'relapse' },
	{ slug: 'overdose', label: 'overdose' },
	{ slug: 'self-harm', label: 'self-harm' },
	{ slug: 'suicide', label: 'suicide' },
	{ slug: 'abuse', label: 'abuse' },
	{ slug: 'violence', label: 'violence' },
	{ slug: 'death-and-grief', label: 'death and grief' },
	{ slug: 'detailed-substance-use', label: 'detailed substance use' },
] as const;

export type ContentWarningSlug = (typeof CONTENT_WARNINGS)[number]['slug'];
export const CONTENT_WARNING_SLUGS = CONTENT_WARNINGS.map((warning) => warning.slug) as [
	ContentWarningSlug,
	...ContentWarningSlug[],
];

/** Where a writer is in recovery; readers can look for stories from people where they are. */
export const MILESTONES = [
	{ slug: 'first-30-days', label: 'First 30 days' },
	{ slug: 'first-year', label: 'First year' },
	{ slug: 'one-to-five-years', label: '1–5 years' },
	{ slug: 'five-years-plus', label: '5+ years' },
	{ slug: 'after-a-relapse', label: 'After a relapse' },
	{ slug: 'family-member', label: 'Family member' },
] as const;

export type MilestoneSlug = (typeof MILESTONES)[number]['slug'];
export const MILESTONE_SLUGS = MILESTONES.map((milestone) => milestone.slug) as [
	MilestoneSlug,
	...MilestoneSlug[],
];

/** True when `value` names a milestone. */
export function isMilestoneSlug(value: string): value is MilestoneSlug {
	return (MILESTONE_SLUGS as readonly string[]).includes(value);
}

/** The reader-facing label of a milestone. */
export function milestoneLabel(slug: MilestoneSlug): string {
	return MILESTONES.find((milestone) => milestone.slug === slug)!.label;
}

/** True when `value` names a topic in the taxonomy. */
export function isTopicSlug(value: string): value is TopicSlug {
	return (TOPIC_SLUGS as readonly string[]).includes(value);
}

/** The reader-facing label of a topic. */
export function topicLabel(slug: TopicSlug): string {
	return TOPICS.find((topic) => topic.slug === slug)!.label;
}

/** The reader-facing label of a content warning. */
export function contentWarningLabel(slug: ContentWarningSlug): string {
	return CONTENT_WARNINGS.find((warning) => warning.slug === slug)!.label;
}

/** Topics of one group, in taxonomy order. */
export function topicsInGroup(group: TopicGroup) {
	return TOPICS.filter((topic) => topic.group === group);
}
