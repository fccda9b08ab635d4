import { createHash } from 'node:crypto';
import { and, count, eq, isNotNull, sql } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { submissions } from '../../../db/schema.ts';
import { markdownToPlainText } from '../plain-text.ts';
import { SNIPPET_MARKERS, snippetToHtml, toFtsQuery } from '../search-query.ts';

export type SearchKind = 'composite' | 'editorial' | 'community';

/** One published piece as the index holds it. */
export interface SearchDocument {
	path: string;
	kind: SearchKind;
	topics: readonly string[];
	title: string;
	summary: string;
	/** Markdown or MDX; indexed as plain text. */
	body: string;
}

/**
 * The index row of a path: 63 bits of its SHA-256, so replacing or removing a piece is a
 * rowid look-up (`path` is an unindexed column: finding it by value would scan the index).
 * A collision (odds about 1 in 10^9 at 100,000 stories) would fail loudly as a duplicate
 * rowid, never mix two pieces up.
 */
function searchRowid(path: string): bigint {
	return BigInt(`0x${createHash('sha256').update(path).digest('hex').slice(0, 16)}`) >> 1n;
}

function insertDocument(queryable: Queryable, document: SearchDocument): void {
	queryable.run(sql`
		INSERT INTO search_index (rowid, path, kind, topics, title, summary, body)
		VALUES (${searchRowid(document.path)}, ${document.path}, ${document.kind},
			${` ${document.topics.join(' ')} `},
			${markdownToPlainText(document.title)}, ${markdownToPlainText(document.summary)},
			${markdownToPlainText(document.body)})`);
}

/** Takes a piece out of the index (unpublished, withdrawn, hidden). */
export function removeFromSearch(queryable: Queryable, path: string): void {
	queryable.run(sql`DELETE FROM search_index WHERE rowid = ${searchRowid(path)}`);
}

/** Puts a piece in the index, replacing what was there for the same path. */
export function indexForSearch(queryable: Queryable, document: SearchDocument): void {
	removeFromSearch(queryable, document.path);
	insertDocument(queryable, document);
}

/** The index entry of a published community story row. */
export function communitySearchDocument(row: {
	slug: string | null;
	title: string;
	body: string;
	topics: readonly string[];
}): SearchDocument {
	return {
		path: `/stories/${row.slug}`,
		kind: 'community',
		topics: row.topics,
		title: row.title,
		summary: '',
		body: row.body,
	};
}

/**
 * Refreshes the curated part of the index (from the content collections, which only the
 * server process can read; a new build may have changed them). Community stories are kept
 * in step by every change in its own transaction, so they are rebuilt only when the index
 * disagrees with what is published (an index created after stories were published).
 */
export async function rebuildSearchIndex(
	curated: readonly SearchDocument[],
	database: Database = getDatabase(),
) {
	database.transaction(
		(transaction) => {
			transaction.run(sql`DELETE FROM search_index WHERE kind <> 'community'`);
			for (const document of curated) insertDocument(transaction, document);
			const isPublished = and(eq(submissions.status, 'approved'), isNotNull(submissions.slug));
			// A count without GROUP BY always answers one row.
			const { published } = transaction
				.select({ published: count() })
				.from(submissions)
				.where(isPublished)
				.get()!;
			const { indexed } = transaction.get<{ indexed: number }>(
				sql`SELECT count(*) AS indexed FROM search_index WHERE kind = 'community'`,
			);
			if (indexed === published) return;
			transaction.run(sql`DELETE FROM search_index WHERE kind = 'community'`);
			const rows = transaction
				.select({
					slug: submissions.slug,
					title: submissions.title,
					body: submissions.body,
					topics: submissions.topics,
				})
				.from(submissions)
				.where(isPublished)
				.all();
			for (const row of rows) insertDocument(transaction, communitySearchDocument(row));
		},
		{ behavior: 'immediate' },
	);
}

export const SEARCH_PAGE_SIZE = 10;

export interface SearchHit {
	path: string;
	kind: SearchKind;
	title: string;
	/** Safe HTML: escaped text with the matches in `<mark>`. */
	snippetHtml: string;
}

/**
 * Ranked search (bm25, a title match weighs most) with an escaped snippet, narrowed by
 * kind and topic, one page at a time. Input never reaches FTS5 as syntax (toFtsQuery).
 */
export async function searchPublished(
	input: { query: string; kind?: SearchKind | null; topic?: string | null; page: number },
	database: Database = getDatabase(),
): Promise<{ hits: SearchHit[]; total: number }> {
	const match = toFtsQuery(input.query);
	if (!match) return { hits: [], total: 0 };
	const kindFilter = input.kind ? sql`AND kind = ${input.kind}` : sql``;
	const topicFilter = input.topic ? sql`AND topics LIKE ${`% ${input.topic} %`}` : sql``;
	const where = sql`search_index MATCH ${match} ${kindFilter} ${topicFilter}`;
	const { total } = database.get<{ total: number }>(
		sql`SELECT count(*) AS total FROM search_index WHERE ${where}`,
	);
	const rows = database.all<{ path: string; kind: SearchKind; title: string; snippet: string }>(sql`
		SELECT path, kind, title,
			snippet(search_index, 5, ${SNIPPET_MARKERS.start}, ${SNIPPET_MARKERS.end}, '…', 16) AS snippet
		FROM search_index
		WHERE ${where}
		ORDER BY bm25(search_index, 0, 0, 0, 10.0, 4.0, 1.0)
		LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${(input.page - 1) * SEARCH_PAGE_SIZE}`);
	return {
		total: total ?? 0,
		hits: rows.map((row) => ({
			path: row.path,
			kind: row.kind,
			title: row.title,
			snippetHtml: snippetToHtml(row.snippet),
		})),
	};
}
