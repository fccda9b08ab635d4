import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../db/client.ts';
import { submissions } from '../../../db/schema.ts';
import { readingMinutes } from '../reading-time.ts';
import { readLibraryGeneration } from './page-generations.ts';
import type { ContentWarningSlug, MilestoneSlug, TopicSlug } from '../taxonomy.ts';

const COMMUNITY_BYLINE_FALLBACK = 'Anonymous';

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

/** What a listing shows that is derived from the text (and costs reading it whole). */
interface DerivedFromText {
	summary: string;
	readingMinutes: number;
}

function deriveFromText(body: string): DerivedFromText {
	return { summary: summaryOf(body), readingMinutes: readingMinutes(body) };
}

type ListedRow = Pick<
	typeof submissions.$inferSelect,
	'slug' | 'title' | 'penName' | 'publishedAt' | 'topics' | 'contentWarnings' | 'milestone'
> &
	DerivedFromText;

function toPiece(row: ListedRow): CommunityPiece {
	return {
		collection: 'stories',
		slug: row.slug!,
		href: `/stories/${row.slug}`,
		title: row.title,
		summary: row.summary,
		published: row.publishedAt!,
		kind: 'community',
		byline: row.penName ?? COMMUNITY_BYLINE_FALLBACK,
		topics: row.topics as TopicSlug[],
		contentWarnings: row.contentWarnings as ContentWarningSlug[],
		milestone: row.milestone as MilestoneSlug | null,
		featured: false,
		readingMinutes: row.readingMinutes,
	};
}

const listed = new WeakMap<Database, { generation: number; pieces: CommunityPiece[] }>();

/** What a listing derives from a story's text, by slug and version (edits bump the version). */
let derivedFromText = new Map<string, DerivedFromText>();
const derivedKey = (row: { slug: string | null; version: number }) => `${row.slug}@${row.version}`;
const TEXT_BATCH = 500;

/**
 * Every published community story, newest first. Kept per process until the library
 * changes (its generation moves), and then only stories new or edited since are read
 * whole: summaries and reading times of the others are remembered.
 */
export async function listCommunityStories(
	database: Database = getDatabase(),
): Promise<CommunityPiece[]> {
	const generation = readLibraryGeneration(database);
	const known = listed.get(database);
	if (known?.generation === generation) return known.pieces;
	const rows = database
		.select({
			slug: submissions.slug,
			version: submissions.version,
			title: submissions.title,
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
		.all();
	const unknown = rows.filter((row) => !derivedFromText.has(derivedKey(row)));
	for (let start = 0; start < unknown.length; start += TEXT_BATCH) {
		const batch = unknown.slice(start, start + TEXT_BATCH);
		const texts = database
			.select({ slug: submissions.slug, version: submissions.version, body: submissions.body })
			.from(submissions)
			.where(
				inArray(
					submissions.slug,
					batch.map((row) => row.slug!),
				),
			)
			.all();
		for (const text of texts) derivedFromText.set(derivedKey(text), deriveFromText(text.body));
	}
	// Forget versions no longer published (edited, withdrawn) once they pile up.
	if (derivedFromText.size > 2 * rows.length + 1000) {
		derivedFromText = new Map(
			rows.map((row) => [derivedKey(row), derivedFromText.get(derivedKey(row))!]),
		);
	}
	const pieces = rows.map((row) => toPiece({ ...row, ...derivedFromText.get(derivedKey(row))! }));
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
	return {
		state: 'published' as const,
		piece: toPiece({ ...row, ...deriveFromText(row.body) }),
		html: row.bodyHtml,
	};
}
