import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../db/client.ts';
import { submissions } from '../../../db/schema.ts';
import { readingMinutes } from '../reading-time.ts';
import { readLibraryGeneration } from './page-generations.ts';
import type { ContentWarningSlug, MilestoneSlug, TopicSlug } from '../taxonomy.ts';

export const COMMUNITY_BYLINE_FALLBACK = 'Anonymous';

/** A published community story as the reading pages list it. */
export interface CommunityPiece {
	collection: 'stories';
	slug: string;
	href: string;
	title: string;
	summary: string;
	published: Date;
	kind: 'community';
	byline: string;
	topics: TopicSlug[];
	contentWarnings: ContentWarningSlug[];
	milestone: MilestoneSlug | null;
	featured: false;
	readingMinutes: number;
}

/** The opening words of a story, as its summary in lists and feeds. */
function summaryOf(body: string): string {
	const plain = body
		.replace(/[#>*_`~[\]()!]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	if (plain.length <= 200) return plain;
	return `${plain.slice(0, 199).replace(/\s+\S*$/, '')}…`;
}

type ListedRow = Pick<
	typeof submissions.$inferSelect,
	'slug' | 'title' | 'body' | 'penName' | 'publishedAt' | 'topics' | 'contentWarnings' | 'milestone'
>;

function toPiece(row: ListedRow): CommunityPiece {
	return {
		collection: 'stories',
		slug: row.slug!,
		href: `/stories/${row.slug}`,
		title: row.title,
		summary: summaryOf(row.body),
		published: row.publishedAt!,
		kind: 'community',
		byline: row.penName ?? COMMUNITY_BYLINE_FALLBACK,
		topics: row.topics as TopicSlug[],
		contentWarnings: row.contentWarnings as ContentWarningSlug[],
		milestone: row.milestone as MilestoneSlug | null,
		featured: false,
		readingMinutes: readingMinutes(row.body),
	};
}

const listed = new WeakMap<Database, { generation: number; pieces: CommunityPiece[] }>();

/**
 * Every published community story, newest first. Kept per process until the library
 * changes (its generation moves): every list page reads it, and building it means reading
 * every published text.
 */
export async function listCommunityStories(
	database: Database = getDatabase(),
): Promise<CommunityPiece[]> {
	const generation = readLibraryGeneration(database);
	const known = listed.get(database);
	if (known?.generation === generation) return known.pieces;
	const pieces = database
		.select({
			slug: submissions.slug,
			title: submissions.title,
			body: submissions.body,
			penName: submissions.penName,
			publishedAt: submissions.publishedAt,
			topics: submissions.topics,
			contentWarnings: submissions.contentWarnings,
			milestone: submissions.milestone,
		})
		.from(submissions)
		// Publishing always sets both; the check keeps a damaged row from breaking every list.
		.where(
			and(
				eq(submissions.status, 'approved'),
				isNotNull(submissions.slug),
				isNotNull(submissions.publishedAt),
			),
		)
		.orderBy(desc(submissions.publishedAt))
		.all()
		.map(toPiece);
	listed.set(database, { generation, pieces });
	return pieces;
}

/**
 * A community story by slug: `published` with its sanitized HTML, `gone` once it was
 * unpublished or withdrawn (the page answers 410), or `null` if it never existed.
 */
export async function findCommunityStory(slug: string, database: Database = getDatabase()) {
	const row = database
		.select()
		.from(submissions)
		.where(and(eq(submissions.slug, slug)))
		.get();
	if (!row) return null;
	if (row.status !== 'approved' || !row.publishedAt) return { state: 'gone' as const };
	return { state: 'published' as const, piece: toPiece(row), html: row.bodyHtml };
}
