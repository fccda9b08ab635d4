import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { markdownToPlainText } from '../plain-text.ts';
import { SNIPPET_MARKERS, snippetToHtml, toFtsQuery, withoutPrefix } from '../search-query.ts';

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
	/** Orders the matches of a search too broad to rank (see SEARCH_RESULT_CAP). */
	publishedAt: Date;
}

/**
 * The index row of a piece: its publish time in seconds in the high bits and 30 bits of the
 * SHA-256 of its path in the low ones, so FTS5's own rowid order is newest first (the
 * order a search with too many matches to rank uses) and a piece keeps its rowid when it
 * is indexed again. `search_rows` remembers it by path. Two pieces published in the same
 * second with the same 30 bits (odds about 1 in 10^9 per pair) would fail loudly as a
 * duplicate rowid, never mix two pieces up. Seconds fit until the year 2242.
 */
function searchRowid(path: string, publishedAt: Date): bigint {
	const seconds = BigInt(Math.max(0, Math.floor(publishedAt.getTime() / 1000)));
	const pathBits = BigInt(`0x${createHash('sha256').update(path).digest('hex').slice(0, 8)}`) >> 2n;
	return (seconds << 30n) | pathBits;
}

function insertDocument(queryable: Queryable, document: SearchDocument): void {
	const rowid = searchRowid(document.path, document.publishedAt);
	queryable.run(sql`
		INSERT INTO search_index (rowid, path, kind, topics, title, summary, body)
		VALUES (${rowid}, ${document.path}, ${document.kind},
			${` ${document.topics.join(' ')} `},
			${markdownToPlainText(document.title)}, ${markdownToPlainText(document.summary)},
			${markdownToPlainText(document.body)})`);
	queryable.run(sql`
		INSERT INTO search_rows (path, search_rowid, kind)
		VALUES (${document.path}, ${rowid}, ${document.kind})`);
}

/** Takes a piece out of the index (unpublished, withdrawn, hidden): two look-ups by key. */
export function removeFromSearch(queryable: Queryable, path: string): void {
	queryable.run(sql`
		DELETE FROM search_index
		WHERE rowid = (SELECT search_rowid FROM search_rows WHERE path = ${path})`);
	queryable.run(sql`DELETE FROM search_rows WHERE path = ${path}`);
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
	publishedAt: Date | null;
}): SearchDocument {
	return {
		path: `/stories/${row.slug}`,
		kind: 'community',
		topics: row.topics,
		title: row.title,
		summary: '',
		body: row.body,
		// A published story always has its publish time; the epoch only sorts a row without one last.
		publishedAt: row.publishedAt ?? new Date(0),
	};
}

/**
 * Refreshes the curated part of the index (from the content collections, which only the
 * server process can read; a new build may have changed them): the curated rows are found
 * in `search_rows`, so this costs what the curated set does, not the library. Community
 * stories are kept in step by every change in its own transaction (and refilled, when the
 * index is made again, by a data step: db/data-steps/reindex-community-search.ts).
 */
export async function refreshCuratedSearch(
	curated: readonly SearchDocument[],
	database: Database = getDatabase(),
) {
	database.transaction(
		(transaction) => {
			const indexed = transaction.all<{ path: string }>(
				sql`SELECT path FROM search_rows WHERE kind <> 'community'`,
			);
			for (const { path } of indexed) removeFromSearch(transaction, path);
			for (const document of curated) insertDocument(transaction, document);
		},
		{ behavior: 'immediate' },
	);
}

export const SEARCH_PAGE_SIZE = 10;

/**
 * The most matches a search ranks and counts. A word in most stories matches nearly the
 * whole library, and ranking (or counting) every match costs what the library does: past
 * this many, a search ranks the newest this-many matches and says "more than".
 */
export const SEARCH_RESULT_CAP = 1000;

export interface SearchHit {
	path: string;
	kind: SearchKind;
	title: string;
	/** Safe HTML: escaped text with the matches in `<mark>`. */
	snippetHtml: string;
}

export interface SearchResults {
	hits: SearchHit[];
	/** Matches counted, at most SEARCH_RESULT_CAP. */
	total: number;
	/** More than SEARCH_RESULT_CAP pieces match: only the newest of them were ranked. */
	moreThanCap: boolean;
}

/** Search filters as SQL, after the MATCH: both read a row's unindexed columns. */
function filterSql(kind: SearchKind | null | undefined, topic: string | null | undefined) {
	const kindFilter = kind ? sql`AND kind = ${kind}` : sql``;
	const topicFilter = topic ? sql`AND topics LIKE ${`% ${topic} %`}` : sql``;
	return sql`${kindFilter} ${topicFilter}`;
}

/**
 * The newest SEARCH_RESULT_CAP + 1 matches with their bm25 scores (a title match weighs
 * most). FTS5 reads its rowids newest first and stops at the limit, so this costs what the
 * cap does, not what the library does.
 */
function newestMatches(database: Database, match: string, filters: SQL) {
	// Rowids pass 2^53: read as text, so JavaScript numbers never round them.
	return database.all<{ id: string; score: number }>(sql`
		SELECT CAST(rowid AS TEXT) AS id, bm25(search_index, 0, 0, 0, 10.0, 4.0, 1.0) AS score
		FROM search_index
		WHERE search_index MATCH ${match} ${filters}
		ORDER BY rowid DESC
		LIMIT ${SEARCH_RESULT_CAP + 1}`);
}

/**
 * Ranked search with an escaped snippet, narrowed by kind and topic, one page at a time.
 * Input never reaches FTS5 as syntax (toFtsQuery). The matches ranked are the newest
 * SEARCH_RESULT_CAP (all of them, when there are fewer), so the cost is bounded whatever
 * the words. The last word also matches as a prefix ("relap" finds "relapse") unless,
 * matched whole, it already gives more than the cap: then it is a word the reader finished,
 * and the prefix, which FTS5 answers by merging every word it starts, would only add cost.
 */
export async function searchPublished(
	input: { query: string; kind?: SearchKind | null; topic?: string | null; page: number },
	database: Database = getDatabase(),
): Promise<SearchResults> {
	const typed = toFtsQuery(input.query);
	if (!typed) return { hits: [], total: 0, moreThanCap: false };
	const filters = filterSql(input.kind, input.topic);
	const whole = withoutPrefix(typed);
	let match = whole;
	let candidates = newestMatches(database, whole, filters);
	if (whole !== typed && candidates.length <= SEARCH_RESULT_CAP) {
		match = typed;
		candidates = newestMatches(database, typed, filters);
	}
	const moreThanCap = candidates.length > SEARCH_RESULT_CAP;
	const ranked = candidates
		.slice(0, SEARCH_RESULT_CAP)
		.map((candidate) => ({ rowid: BigInt(candidate.id), score: candidate.score }))
		// Equal scores: the newer piece first.
		.sort((a, b) => a.score - b.score || (b.rowid > a.rowid ? 1 : -1));
	const offset = (input.page - 1) * SEARCH_PAGE_SIZE;
	const page = ranked.slice(offset, offset + SEARCH_PAGE_SIZE);
	if (page.length === 0) return { hits: [], total: ranked.length, moreThanCap };
	// One pass over the page's rowid range, snippets for the page's rows only: a prefix word
	// costs FTS5 a merge of every term it starts, once per query, so never once per hit.
	const rowids = page.map((candidate) => candidate.rowid);
	const rows = database.all<{
		id: string;
		path: string;
		kind: SearchKind;
		title: string;
		snippet: string;
	}>(sql`
		SELECT CAST(rowid AS TEXT) AS id, path, kind, title,
			snippet(search_index, 5, ${SNIPPET_MARKERS.start}, ${SNIPPET_MARKERS.end}, '…', 16) AS snippet
		FROM search_index
		WHERE search_index MATCH ${match}
			AND rowid BETWEEN ${rowids.reduce((a, b) => (a < b ? a : b))} AND ${rowids.reduce((a, b) => (a > b ? a : b))}
			AND +rowid IN (SELECT CAST(value AS INTEGER) FROM json_each(${JSON.stringify(rowids.map(String))}))`);
	const byId = new Map(rows.map((row) => [row.id, row]));
	const hits = rowids.map((rowid) => {
		const row = byId.get(String(rowid))!;
		return {
			path: row.path,
			kind: row.kind,
			title: row.title,
			snippetHtml: snippetToHtml(row.snippet),
		};
	});
	return { hits, total: ranked.length, moreThanCap };
}
