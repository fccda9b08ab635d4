import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Queryable } from '../../../db/client.ts';
import { markdownToPlainText } from '../plain-text.ts';
import { SNIPPET_MARKERS, snippetToHtml, toFtsQuery, withoutPrefix } from '../search-query.ts';

/**
 * Search on SQLite, with FTS5 (search-postgres.ts is the same contract on PostgreSQL, and
 * search-index.ts picks one by engine), and what both engines share.
 */
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

function insertDocument(
	queryable: Queryable,
	document: SearchDocument,
	fingerprint: string | null = null,
): void {
	const rowid = searchRowid(document.path, document.publishedAt);
	queryable.run(sql`
		INSERT INTO search_index (rowid, path, kind, topics, title, summary, body)
		VALUES (${rowid}, ${document.path}, ${document.kind},
			${` ${document.topics.join(' ')} `},
			${markdownToPlainText(document.title)}, ${markdownToPlainText(document.summary)},
			${markdownToPlainText(document.body)})`);
	queryable.run(sql`
		INSERT INTO search_rows (path, search_rowid, kind, fingerprint)
		VALUES (${document.path}, ${rowid}, ${document.kind}, ${fingerprint})`);
}

/** Takes a piece out of the index (unpublished, withdrawn, hidden): two look-ups by key. */
export function removeFromSearchSqlite(queryable: Queryable, path: string): void {
	queryable.run(sql`
		DELETE FROM search_index
		WHERE rowid = (SELECT search_rowid FROM search_rows WHERE path = ${path})`);
	queryable.run(sql`DELETE FROM search_rows WHERE path = ${path}`);
}

/** Puts a piece in the index, replacing what was there for the same path. */
export function indexForSearchSqlite(queryable: Queryable, document: SearchDocument): void {
	removeFromSearchSqlite(queryable, document.path);
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
 * What a curated piece was indexed from (editorial text, not a writer's): the same on both
 * engines (search-postgres.ts).
 */
export function fingerprintOf(document: SearchDocument): string {
	return createHash('sha256')
		.update(JSON.stringify({ ...document, publishedAt: document.publishedAt.getTime() }))
		.digest('hex');
}

/**
 * Refreshes the curated part of the index (from the content collections, which only the
 * server process can read; a new build may have changed them), in the caller's transaction:
 * the curated rows and what they were made from are found in `search_rows`, and only pieces
 * added, changed or removed are written, so this costs what the curated set does, not the library.
 * Community stories are kept in step by every change in its own transaction (and refilled,
 * when the index is made again, by a data step: db/data-steps/reindex-community-search.ts).
 */
export function refreshCuratedSearchSqlite(
	curated: readonly SearchDocument[],
	transaction: Queryable,
): void {
	const indexed = new Map(
		transaction
			.all<{ path: string; fingerprint: string | null }>(
				sql`SELECT path, fingerprint FROM search_rows WHERE kind <> 'community'`,
			)
			.map((row) => [row.path, row.fingerprint]),
	);
	const wanted = new Map(curated.map((document) => [document.path, document]));
	for (const path of indexed.keys())
		if (!wanted.has(path)) removeFromSearchSqlite(transaction, path);
	for (const document of curated) {
		const fingerprint = fingerprintOf(document);
		if (indexed.get(document.path) === fingerprint) continue;
		removeFromSearchSqlite(transaction, document.path);
		insertDocument(transaction, document, fingerprint);
	}
}

export const SEARCH_PAGE_SIZE = 10;

/**
 * The most matches a search ranks and counts. A word in most stories matches nearly the
 * whole library, and ranking (or counting) every match costs what the library does: past
 * this many, a search shows the newest this-many matches, newest first, and says "more than".
 */
export const SEARCH_RESULT_CAP = 1000;

interface SearchHit {
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
	/** More than SEARCH_RESULT_CAP pieces match: shown newest first, up to the cap. */
	moreThanCap: boolean;
}

/** Search filters as SQL, after the MATCH: both read a row's unindexed columns. */
function filterSql(kind: SearchKind | null | undefined, topic: string | null | undefined) {
	const kindFilter = kind ? sql`AND kind = ${kind}` : sql``;
	const topicFilter = topic ? sql`AND topics LIKE ${`% ${topic} %`}` : sql``;
	return sql`${kindFilter} ${topicFilter}`;
}

/** How many pieces match, counted up to SEARCH_RESULT_CAP + 1: FTS5 stops there. */
function countMatches(database: Database, match: string, filters: SQL): number {
	// A count without GROUP BY always answers one row.
	const counted = database.get<{ matches: number }>(sql`
		SELECT count(*) AS matches FROM (
			SELECT 1 FROM search_index WHERE search_index MATCH ${match} ${filters}
			LIMIT ${SEARCH_RESULT_CAP + 1})`);
	return counted.matches;
}

/**
 * The rowids of one page of matches: ranked by bm25 (a title match weighs most) when they
 * are at most SEARCH_RESULT_CAP, else newest first, in FTS5's own rowid order, which stops
 * after the page: ranking needs every match read, and that costs what the library does.
 */
function pageOfMatches(
	database: Database,
	match: string,
	filters: SQL,
	{ ranked, offset }: { ranked: boolean; offset: number },
): bigint[] {
	const order = ranked
		? sql`bm25(search_index, 0, 0, 0, 10.0, 4.0, 1.0), rowid DESC`
		: sql`rowid DESC`;
	// Rowids pass 2^53: read as text, so JavaScript numbers never round them.
	const rows = database.all<{ id: string }>(sql`
		SELECT CAST(rowid AS TEXT) AS id FROM search_index
		WHERE search_index MATCH ${match} ${filters}
		ORDER BY ${order}
		LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${offset}`);
	return rows.map((row) => BigInt(row.id));
}

/**
 * Search with an escaped snippet, narrowed by kind and topic, one page at a time. Input
 * never reaches FTS5 as syntax (toFtsQuery). Up to SEARCH_RESULT_CAP matches are ranked;
 * past it, newest first ("more than 1,000"), so the cost is bounded whatever the words.
 * The last word also matches as a prefix ("relap" finds "relapse") unless, matched whole,
 * it already gives more than the cap: then it is a word the reader finished, and the
 * prefix, which FTS5 answers by merging every word it starts, would only add cost.
 */
export function searchPublishedSqlite(
	input: { query: string; kind?: SearchKind | null; topic?: string | null; page: number },
	database: Database,
): SearchResults {
	const typed = toFtsQuery(input.query);
	if (!typed) return { hits: [], total: 0, moreThanCap: false };
	const filters = filterSql(input.kind, input.topic);
	const whole = withoutPrefix(typed);
	let match = whole;
	let matches = countMatches(database, whole, filters);
	if (whole !== typed && matches <= SEARCH_RESULT_CAP) {
		match = typed;
		matches = countMatches(database, typed, filters);
	}
	const moreThanCap = matches > SEARCH_RESULT_CAP;
	const total = Math.min(matches, SEARCH_RESULT_CAP);
	const offset = (input.page - 1) * SEARCH_PAGE_SIZE;
	if (offset >= total) return { hits: [], total, moreThanCap };
	const rowids = pageOfMatches(database, match, filters, { ranked: !moreThanCap, offset });
	// One pass over the page's rowid range, snippets for the page's rows only: a prefix word
	// costs FTS5 a merge of every term it starts, once per query, so never once per hit.
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
	return { hits, total, moreThanCap };
}
