import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { and, eq, isNotNull } from 'drizzle-orm';
import { parse } from 'yaml';
import type { Store } from '../../db/store.ts';
import type { ContentWarningSlug, TopicSlug } from '../../src/lib/taxonomy.ts';

const CONTENT = resolve(import.meta.dirname, '../../content');

export interface SourcePiece {
	path: string;
	title: string;
	summary: string;
	published: Date;
	kind: 'composite' | 'editorial' | 'community';
	penName?: string;
	topics: TopicSlug[];
	contentWarnings: ContentWarningSlug[];
	milestone: string | null;
	featured: boolean;
	/** Where an editorial piece's facts come from, in frontmatter order. */
	sources: { title: string; publisher: string; url: string }[];
	/** The review date as `YYYY-MM-DD`, when the piece has one. */
	reviewed: string | null;
}

/** Frontmatter as written: optional fields may be absent, dates are strings. */
interface Frontmatter {
	title: string;
	summary: string;
	published: string;
	kind: 'composite' | 'editorial';
	penName?: string;
	topics: TopicSlug[];
	contentWarnings?: ContentWarningSlug[];
	milestone?: string;
	featured?: boolean;
	sources?: SourcePiece['sources'];
	reviewed?: string;
	draft?: boolean;
}

/**
 * The published curated pieces read straight from the MDX frontmatter: the source the
 * pages must reflect, read independently of the site's own content helpers.
 */
export function publishedSourcePieces(): SourcePiece[] {
	return (['stories', 'strategies'] as const).flatMap((collection) =>
		readdirSync(join(CONTENT, collection))
			.filter((file) => file.endsWith('.mdx'))
			.map((file) => {
				const source = readFileSync(join(CONTENT, collection, file), 'utf8');
				const data = parse(/^---\n([\s\S]*?)\n---/.exec(source)![1]!) as Frontmatter;
				return {
					path: `/${collection}/${file.replace(/\.mdx$/, '')}`,
					title: data.title,
					summary: data.summary,
					published: new Date(data.published),
					kind: data.kind,
					penName: data.penName,
					topics: data.topics,
					contentWarnings: data.contentWarnings ?? [],
					milestone: data.milestone ?? null,
					featured: data.featured ?? false,
					sources: data.sources ?? [],
					reviewed: data.reviewed ? new Date(data.reviewed).toISOString().slice(0, 10) : null,
					draft: data.draft ?? false,
				};
			})
			.filter((piece) => !piece.draft),
	);
}

/**
 * Curated pieces from the source plus the community stories the test server has published
 * by now: what the one library must show.
 */
export async function publishedLibrary(store: Store): Promise<SourcePiece[]> {
	const rows = await store.read(({ query, tables: { submissions } }) =>
		query
			.select()
			.from(submissions)
			.where(and(eq(submissions.status, 'approved'), isNotNull(submissions.slug))),
	);
	const community = rows.map((row) => ({
		path: `/stories/${row.slug}`,
		title: row.title,
		summary: '',
		published: row.publishedAt!,
		kind: 'community' as const,
		penName: row.penName ?? 'Anonymous',
		topics: row.topics,
		contentWarnings: row.contentWarnings,
		milestone: row.milestone,
		featured: false,
		sources: [],
		reviewed: null,
	}));
	return [...publishedSourcePieces(), ...community];
}
