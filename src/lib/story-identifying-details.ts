import { findIdentifyingDetails, type IdentifyingDetail } from './identifying-details.ts';

/** The parts of a story a writer fills in, each of which is published. */
export type StoryField = 'title' | 'penName' | 'body';

/** Where a detail outside the body was found, for lists that say so ("in the pen name"). */
export const STORY_FIELD_LABELS: Record<StoryField, string> = {
	title: 'title',
	penName: 'pen name',
	body: 'story',
};

/** An identifying detail and the field it is in; `start` and `end` are offsets into that field. */
export interface StoryIdentifyingDetail extends IdentifyingDetail {
	field: StoryField;
}

/**
 * Every identifying detail in everything a story publishes: title, pen name and body, in that
 * order. The one list the writer's preview, the moderators' queue card and the review page
 * are built from, so a moderator is always shown each detail the writer was warned about
 * (a name or handle in the pen name is as public as one in the body). Each field is
 * checked on its own, so no match runs from one field into the next.
 */
export function findStoryIdentifyingDetails(story: {
	title: string;
	penName: string | null;
	body: string;
}): StoryIdentifyingDetail[] {
	const fields: [StoryField, string][] = [
		['title', story.title],
		['penName', story.penName ?? ''],
		['body', story.body],
	];
	return fields.flatMap(([field, text]) =>
		findIdentifyingDetails(text).map((detail) => ({ ...detail, field })),
	);
}
