import { z } from 'astro/zod';
import { CONTENT_WARNING_SLUGS, MILESTONE_SLUGS, TOPIC_SLUGS } from './taxonomy.ts';

export const TITLE_LENGTH = { min: 5, max: 120 } as const;
export const BODY_LENGTH = { min: 300, max: 20_000 } as const;
export const PEN_NAME_MAX_LENGTH = 40;
export const MAX_TOPICS = 5;
export const DEFAULT_PEN_NAME = 'Anonymous';

// C0 and C1 control characters other than tab and line breaks.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// What a browser or parser puts in place of bytes that were not valid UTF-8.
const REPLACEMENT_CHARACTER = /\uFFFD/;

/** A required text field with a length range and readable-text checks, messages naming the field. */
function textField(label: string, min: number, max: number) {
	return z
		.string({ error: `Please write a ${label.toLowerCase()}.` })
		.transform((value) => value.replace(/\r\n?/g, '\n').trim())
		.pipe(
			z
				.string()
				.min(min, { error: `${label} must be at least ${min} characters.` })
				.max(max, { error: `${label} must be at most ${max.toLocaleString('en-US')} characters.` })
				.refine((value) => !CONTROL_CHARACTER.test(value), {
					error: `${label} contains invisible control characters; please retype or paste it as plain text.`,
				})
				.refine((value) => !REPLACEMENT_CHARACTER.test(value), {
					error: `${label} contains characters that could not be read (�); please check the text.`,
				}),
		);
}

/** What a writer fills in for a story: the same rules when sharing, editing and resubmitting. */
export const storyDraftFields = {
	title: textField('Title', TITLE_LENGTH.min, TITLE_LENGTH.max),
	body: textField('Story', BODY_LENGTH.min, BODY_LENGTH.max),
	penName: z
		.string()
		.nullish()
		.transform((value) => value?.trim() || null)
		.pipe(
			z
				.string()
				.max(PEN_NAME_MAX_LENGTH, {
					error: `Pen name must be at most ${PEN_NAME_MAX_LENGTH} characters.`,
				})
				.refine((value) => !CONTROL_CHARACTER.test(value) && !REPLACEMENT_CHARACTER.test(value), {
					error: 'Pen name contains characters that cannot be shown.',
				})
				.nullable(),
		),
	topics: z
		.array(z.enum(TOPIC_SLUGS, { error: 'Please choose topics from the list.' }))
		.max(MAX_TOPICS, { error: `Please choose at most ${MAX_TOPICS} topics.` })
		.default([]),
	contentWarnings: z
		.array(z.enum(CONTENT_WARNING_SLUGS, { error: 'Please choose warnings from the list.' }))
		.default([]),
	milestone: z
		.enum(MILESTONE_SLUGS, { error: 'Please choose where you are from the list.' })
		.nullish()
		.transform((value) => value ?? null),
};

export const storyDraftSchema = z.object(storyDraftFields);
/** A valid draft; the milestone may be left out (older callers, tests). */
export type StoryDraft = Omit<z.output<typeof storyDraftSchema>, 'milestone'> & {
	milestone?: z.output<typeof storyDraftSchema>['milestone'];
};

/** The form fields as typed, for showing them again after an error (nothing typed is lost). */
export interface StoryFormValues {
	title: string;
	body: string;
	penName: string;
	topics: string[];
	contentWarnings: string[];
	milestone: string;
	consent: boolean;
}

/** Reads what the writer typed from a posted form, whether or not it is valid. */
export function readStoryFormValues(form: FormData | null): StoryFormValues {
	const text = (name: string) => {
		const value = form?.get(name);
		return typeof value === 'string' ? value : '';
	};
	const list = (name: string) =>
		(form?.getAll(name) ?? []).filter((value): value is string => typeof value === 'string');
	return {
		title: text('title'),
		body: text('body'),
		penName: text('penName'),
		topics: list('topics'),
		contentWarnings: list('contentWarnings'),
		milestone: text('milestone'),
		consent: form?.has('consent') ?? false,
	};
}

/** A stored story (or a moderator's pending edits) as the edit form shows it. */
export function storyFormValuesOf(story: {
	title: string;
	body: string;
	penName: string | null;
	topics: readonly string[];
	contentWarnings: readonly string[];
	milestone?: string | null;
}): StoryFormValues {
	return {
		title: story.title,
		body: story.body,
		penName: story.penName ?? '',
		topics: [...story.topics],
		contentWarnings: [...story.contentWarnings],
		milestone: story.milestone ?? '',
		// A stored story was shared with the writer's consent.
		consent: true,
	};
}
