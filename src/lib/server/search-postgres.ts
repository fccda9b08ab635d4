import { and, eq, ne, sql, type SQL } from 'drizzle-orm';
import * as postgresSchema from '../../../db/schema-pg.ts';
import type { PostgresQueryable } from '../../../db/store.ts';
import { markdownToPlainText } from '../plain-text.ts';
import {
	SNIPPET_MARKERS,
	snippetToHtml,
	toSearchTerms,
	type SearchTerms,
} from '../search-query.ts';
import {
	SEARCH_PAGE_SIZE,
	SEARCH_RESULT_CAP,
	fingerprintOf,
	type SearchDocument,
	type SearchKind,
	type SearchResults,
} from './search.ts';

/**
 * Search on PostgreSQL (issue 14): src/lib/server/search.ts's contract on the `search_index`
 * table of db/schema-pg.ts, whose generated `document` tsvector (title A, summary B, body D)
 * has a GIN index. Read search.ts for what each function promises; comments here say how
 * PostgreSQL keeps it.
 */

const { searchIndex, SEARCH_CONFIGURATION } = postgresSchema;

/** The index row of a piece: its text as plain text, as SQLite indexes it. */
function rowOf(document: SearchDocument, fingerprint: string | null) {
	return {
		path: document.path,
		kind: document.kind,
		topics: [...document.topics],
		title: markdownToPlainText(document.title),
		summary: markdownToPlainText(document.summary),
		body: markdownToPlainText(document.body),
		publishedAt: document.publishedAt,
		fingerprint,
	};
}

/**
 * Writes the pieces' rows, each replacing the one for the same path: one statement, keyed on
 * the path (`excluded` is the row that was refused as a duplicate). The paths must differ.
 */
async function upsertDocuments(
	queryable: PostgresQueryable,
	documents: readonly SearchDocument[],
	fingerprint: string | null,
): Promise<void> {
	const rows = documents.map((document) => rowOf(document, fingerprint));
	if (rows.length === 0) return;
	const { path: _path, ...changed } = rows[0]!;
	const set = Object.fromEntries(
		Object.keys(changed).map((key) => {
			const column = searchIndex[key as keyof typeof changed];
			return [key, sql`excluded.${sql.identifier(column.name)}`];
		}),
	);
	await queryable
		.insert(searchIndex)
		.values(rows)
		.onConflictDoUpdate({ target: searchIndex.path, set });
}

/** Takes a piece out of the index (unpublished, withdrawn, hidden), in the caller's transaction. */
export async function removeFromSearchPostgres(
	queryable: PostgresQueryable,
	path: string,
): Promise<void> {
	await queryable.delete(searchIndex).where(eq(searchIndex.path, path));
}

/** Puts a piece in the index, replacing what was there for the same path, in the caller's transaction. */
export async function indexForSearchPostgres(
	queryable: PostgresQueryable,
	document: SearchDocument,
): Promise<void> {
	await upsertDocuments(queryable, [document], null);
}

/**
 * indexForSearchPostgres for many pieces at once, in one statement (the benchmark's seeder
 * writes its library's rows this way); the paths must differ.
 */
export async function indexAllForSearchPostgres(
	queryable: PostgresQueryable,
	documents: readonly SearchDocument[],
): Promise<void> {
	await upsertDocuments(queryable, documents, null);
}

/**
 * Refreshes the curated part of the index as refreshCuratedSearch does on SQLite: the
 * curated rows' fingerprints are read through the partial index on curated kinds, and only
 * pieces added, changed or removed are written, in one transaction (a savepoint when
 * `queryable` is already one). Two servers starting at once write the same rows; the
 * upsert lets the second wait for the first instead of failing on the key.
 */
export async function refreshCuratedSearchPostgres(
	curated: readonly SearchDocument[],
	queryable: PostgresQueryable,
): Promise<void> {
	await queryable.transaction(async (transaction) => {
		const indexed = new Map(
			(
				await transaction
					.select({ path: searchIndex.path, fingerprint: searchIndex.fingerprint })
					.from(searchIndex)
					.where(ne(searchIndex.kind, 'community'))
			).map((row) => [row.path, row.fingerprint]),
		);
		const wanted = new Set(curated.map((document) => document.path));
		for (const path of indexed.keys())
			if (!wanted.has(path)) await removeFromSearchPostgres(transaction, path);
		for (const document of curated) {
			const fingerprint = fingerprintOf(document);
			if (indexed.get(document.path) !== fingerprint)
				await upsertDocuments(transaction, [document], fingerprint);
		}
	});
}

/**
 * A tsquery of the reader's words, every one required, the last a prefix (`:*`) when asked.
 * Each word is a quoted lexeme: toSearchTerms leaves only letters and digits, and the
 * doubling below would keep a quote or backslash a plain character even if it did not, so
 * no reader's text is ever tsquery syntax. PostgreSQL stems each lexeme with the search
 * configuration, as FTS5's porter tokenizer stems its query words.
 */
function tsQuery({ words }: SearchTerms, prefix: boolean): SQL {
	const text = words
		.map((word, index) => {
			const lexeme = `'${word.replace(/['\\]/g, '$&$&')}'`;
			return prefix && index === words.length - 1 ? `${lexeme}:*` : lexeme;
		})
		.join(' & ');
	return sql`to_tsquery(${SEARCH_CONFIGURATION}::regconfig, ${text})`;
}

/** The rows a search reads: the words matched in the document, then kind and topic. */
function matchingSql(
	query: SQL,
	kind: SearchKind | null | undefined,
	topic: string | null | undefined,
): SQL | undefined {
	return and(
		sql`${searchIndex.document} @@ ${query}`,
		kind ? eq(searchIndex.kind, kind) : undefined,
		topic ? sql`${topic} = ANY (${searchIndex.topics})` : undefined,
	);
}

/**
 * Rank weights for D, C, B, A (body, –, summary, title): title ≫ summary > body, the same
 * ratios as SQLite's bm25(…, 10.0, 4.0, 1.0). Normalization 1 divides by 1 + the log of the
 * document's length, so a long story does not outrank a short one by length alone (bm25
 * normalizes for length too).
 */
const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';
const RANK_NORMALIZATION = 1;

/**
 * ts_headline's options as FTS5's snippet(…, 16): one fragment of up to 16 words around the
 * matches (ShortWord=0: a fragment may start and end with a short word, as FTS5's does),
 * marked with SNIPPET_MARKERS (private-use characters no text holds) for snippetToHtml to
 * escape everything else. Sent as a parameter, never as SQL.
 */
const HEADLINE_OPTIONS = [
	`StartSel=${SNIPPET_MARKERS.start}`,
	`StopSel=${SNIPPET_MARKERS.end}`,
	'MaxWords=16',
	'MinWords=12',
	'ShortWord=0',
	'MaxFragments=1',
].join(', ');

/**
 * The letters and digits of a text outside tag-like runs (`<b>`, `</script>`, which
 * ts_headline leaves out): what a headline keeps of it, whatever the spacing.
 */
const lettersOf = (text: string) =>
	text.replace(/<\/?[A-Za-z][^<>]*>/g, '').replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * A snippet cut from within the body gets an ellipsis at each cut end, as FTS5's has.
 * ts_headline also leaves out the punctuation after a fragment's last word, so the ends are
 * compared by their letters and digits.
 */
function withEllipses(snippet: string, body: string): string {
	const shown = lettersOf(snippet);
	const whole = lettersOf(body);
	return `${whole.startsWith(shown) ? '' : '…'}${snippet}${whole.endsWith(shown) ? '' : '…'}`;
}

/** A search's words against the index: its tsquery and the rows it reads. */
interface Match {
	query: SQL;
	matching: SQL | undefined;
}

/**
 * One hit as a page query gives it: the snippet as ts_headline made it, and the body it came
 * from. (A type, not an interface: `execute` takes only row types with an index signature.)
 */
type PageRow = {
	path: string;
	kind: SearchKind;
	title: string;
	body: string;
	snippet: string;
};

/** A LEFT JOIN's row with nothing joined. */
type Nulls<Row> = { [Column in keyof Row]: null };

/** The snippet of a `page` row: only the page's rows reach it (it parses a whole body). */
const headlineOf = (query: SQL) =>
	sql`ts_headline(${SEARCH_CONFIGURATION}::regconfig, page.body, ${query}, ${HEADLINE_OPTIONS})`;

/**
 * How many pieces match, counted up to SEARCH_RESULT_CAP + 1: the LIMIT stops reading the
 * matches there.
 */
async function countMatches(queryable: PostgresQueryable, { matching }: Match): Promise<number> {
	const { rows } = await queryable.execute<{ matches: number }>(sql`
		SELECT count(*)::int AS matches FROM (
			SELECT 1 FROM ${searchIndex} WHERE ${matching} LIMIT ${SEARCH_RESULT_CAP + 1}
		) AS capped`);
	return rows[0]!.matches;
}

/**
 * The matches counted up to SEARCH_RESULT_CAP + 1 and, when they are at most the cap, one
 * page of them ranked, in one statement: the matches are found once for both. (GIN
 * answers a prefix by merging the lists of every word it starts, the costliest step of
 * most searches.) The ranks are wasted only when the prefix widens a search past the cap.
 */
async function rankedPage(
	queryable: PostgresQueryable,
	{ query, matching }: Match,
	offset: number,
): Promise<{ matches: number; rows: PageRow[] }> {
	const { rows } = await queryable.execute<{ matches: number } & (PageRow | Nulls<PageRow>)>(sql`
		WITH capped AS MATERIALIZED (
			SELECT path, kind, title, body, published_at,
				ts_rank(${RANK_WEIGHTS}::float4[], ${searchIndex.document}, ${query}, ${RANK_NORMALIZATION}) AS rank
			FROM ${searchIndex}
			WHERE ${matching}
			LIMIT ${SEARCH_RESULT_CAP + 1}
		)
		SELECT counted.matches, page.path, page.kind, page.title, page.body,
			${headlineOf(query)} AS snippet
		FROM (SELECT count(*)::int AS matches FROM capped) AS counted
		LEFT JOIN LATERAL (
			SELECT * FROM capped
			WHERE counted.matches <= ${SEARCH_RESULT_CAP}
			ORDER BY rank DESC, published_at DESC, path DESC
			LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${offset}
		) AS page ON true
		ORDER BY page.rank DESC, page.published_at DESC, page.path DESC`);
	// The count's row comes back alone, its page columns null, when the page is empty.
	const matches = rows[0]!.matches;
	return {
		matches,
		rows: rows.filter((row): row is { matches: number } & PageRow => row.path !== null),
	};
}

/**
 * How many of the newest pieces a search past the cap looks through for its page before it
 * collects every match instead. Looking at a piece costs about what collecting a match
 * does, so a page the window misses costs at most the window more than collecting alone.
 * At 100,000 stories a word in 2 % of them fills the first page within the window, and a
 * common word within a few dozen pieces.
 */
const NEWEST_WINDOW = 1_000;

/** A newest-first page of the matches among `from` (a table or a subquery named search_index). */
async function newestPageOf(
	queryable: PostgresQueryable,
	from: SQL,
	{ query, matching }: Match,
	offset: number,
): Promise<PageRow[]> {
	const { rows } = await queryable.execute<PageRow>(sql`
		SELECT page.path, page.kind, page.title, page.body, ${headlineOf(query)} AS snippet
		FROM (
			SELECT path, kind, title, body, published_at
			FROM ${from}
			WHERE ${matching}
			ORDER BY published_at DESC, path DESC
			LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${offset}
		) AS page
		ORDER BY page.published_at DESC, page.path DESC`);
	return rows;
}

/**
 * One page of a search with more matches than the cap: newest first, without ranking
 * (that reads every match, and costs what the library does). First among the newest
 * NEWEST_WINDOW pieces, read in order through each partition's search_index_newest_idx;
 * when they do not hold the page, from every match, collected through the GIN index and
 * sorted.
 *
 * The window is spelled out because the planner cannot weigh the two: the document column
 * keeps no statistics (a lexeme of an erased story must not outlive it in pg_statistic,
 * 0006_erasable_partitions), so it guesses a row or two match, and always collects and
 * sorts — 60–140 ms for a common word at 100,000 stories, where the window takes 1–2 ms.
 * (The subquery's LIMIT also keeps the words' test out of it, and its name lets `matching`
 * name its columns as the table's.)
 */
async function newestPage(
	queryable: PostgresQueryable,
	match: Match,
	offset: number,
): Promise<PageRow[]> {
	const newest = sql`(
		SELECT path, kind, topics, title, body, published_at, document FROM ${searchIndex}
		ORDER BY published_at DESC, path DESC
		LIMIT ${NEWEST_WINDOW}
	) AS ${searchIndex}`;
	const rows = await newestPageOf(queryable, newest, match, offset);
	// More matches than the cap exist, so every page up to the cap is full.
	if (rows.length === SEARCH_PAGE_SIZE) return rows;
	return newestPageOf(queryable, sql`${searchIndex}`, match, offset);
}

function hitOf(row: PageRow) {
	return {
		path: row.path,
		kind: row.kind,
		title: row.title,
		snippetHtml: snippetToHtml(withEllipses(row.snippet, row.body)),
	};
}

/**
 * searchPublished on PostgreSQL: the same words (toSearchTerms), the same cap, the same
 * prefix rule, the same escaped snippets. The last word also matches as a prefix unless,
 * matched whole, it already gives more than the cap: a word the reader finished, whose
 * prefix would only widen a search that is shown newest first anyway. Two statements for
 * most searches: the whole words counted, then the page.
 */
export async function searchPublishedPostgres(
	input: { query: string; kind?: SearchKind | null; topic?: string | null; page: number },
	queryable: PostgresQueryable,
): Promise<SearchResults> {
	const terms = toSearchTerms(input.query);
	if (!terms) return { hits: [], total: 0, moreThanCap: false };
	const matchOf = (prefix: boolean): Match => {
		const query = tsQuery(terms, prefix);
		return { query, matching: matchingSql(query, input.kind, input.topic) };
	};
	const offset = (input.page - 1) * SEARCH_PAGE_SIZE;
	let match = matchOf(false);
	const wholeOverCap =
		terms.lastIsPrefix && (await countMatches(queryable, match)) > SEARCH_RESULT_CAP;
	if (!wholeOverCap) {
		if (terms.lastIsPrefix) match = matchOf(true);
		const ranked = await rankedPage(queryable, match, offset);
		if (ranked.matches <= SEARCH_RESULT_CAP)
			return { hits: ranked.rows.map(hitOf), total: ranked.matches, moreThanCap: false };
	}
	const rows = offset < SEARCH_RESULT_CAP ? await newestPage(queryable, match, offset) : [];
	return { hits: rows.map(hitOf), total: SEARCH_RESULT_CAP, moreThanCap: true };
}
