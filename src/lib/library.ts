import type { CollectionEntry } from 'astro:content';
import { readingMinutes } from './reading-time.ts';
import type { ContentWarningSlug, MilestoneSlug, TopicSlug } from './taxonomy.ts';

export type CuratedEntry = CollectionEntry<'stories'> | CollectionEntry<'strategies'>;

/** What lists, feeds and related links need to know about one published piece. */
export interface LibraryPiece {
	collection: 'stories' | 'strategies';
	slug: string;
	href: string;
	title: string;
	summary: string;
	published: Date;
	updated?: Date;
	kind: PieceKind;
	/** The pen name of a story, or "Editorial team". */
	byline: string;
	topics: TopicSlug[];
	contentWarnings: ContentWarningSlug[];
	/** Where the writer is in recovery; stories only, when known. */
	milestone: MilestoneSlug | null;
	featured: boolean;
	readingMinutes: number;
}

/** The label readers see for each kind of piece; `?kind=` means one of these everywhere. */
export const KIND_LABELS = {
	composite: 'Composite story',
	editorial: 'Editorial article',
	community: 'Shared anonymously',
} as const;
export type PieceKind = keyof typeof KIND_LABELS;

export function isPieceKind(value: string): value is PieceKind {
	return Object.hasOwn(KIND_LABELS, value);
}

const EDITORIAL_BYLINE = 'Editorial team';

/** Turns a curated entry into a list item. */
export function toLibraryPiece(entry: CuratedEntry): LibraryPiece {
	const { data } = entry;
	return {
		collection: entry.collection,
		slug: entry.id,
		href: `/${entry.collection}/${entry.id}`,
		title: data.title,
		summary: data.summary,
		published: data.published,
		updated: data.updated,
		kind: data.kind,
		byline: 'penName' in data ? data.penName : EDITORIAL_BYLINE,
		topics: data.topics,
		contentWarnings: data.contentWarnings,
		milestone: 'milestone' in data ? data.milestone : null,
		featured: data.featured,
		readingMinutes: readingMinutes(entry.body ?? ''),
	};
}

export const STORIES_PER_PAGE = 12;

/** `/stories?kind=`: the kinds of story (a piece's kind, as on `/search`). */
export const STORY_KIND_FILTERS = {
	community: 'Shared by readers',
	composite: 'From our editors',
} as const satisfies Partial<Record<PieceKind, string>>;
export type StoryKindFilter = keyof typeof STORY_KIND_FILTERS;

export function isStoryKindFilter(value: string): value is StoryKindFilter {
	return Object.hasOwn(STORY_KIND_FILTERS, value);
}
