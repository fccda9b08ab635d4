import { getStore, postgresOf, sqliteOf, type Scope, type Store } from '../../../db/store.ts';
import {
	indexForSearchPostgres,
	refreshCuratedSearchPostgres,
	removeFromSearchPostgres,
	searchPublishedPostgres,
} from './search-postgres.ts';
import {
	indexForSearchSqlite,
	refreshCuratedSearchSqlite,
	removeFromSearchSqlite,
	searchPublishedSqlite,
	type SearchDocument,
	type SearchKind,
	type SearchResults,
} from './search.ts';

/**
 * The search index on the store's engine: FTS5 on SQLite (search.ts), a tsvector on
 * PostgreSQL (search-postgres.ts), one contract, so the domain never asks which.
 */

/** Puts a piece in the index (replacing its entry), in the caller's transaction. */
export async function indexForSearch(scope: Scope, document: SearchDocument): Promise<void> {
	if (scope.engine === 'sqlite') indexForSearchSqlite(sqliteOf(scope), document);
	else await indexForSearchPostgres(postgresOf(scope), document);
}

/** Takes a piece out of the index, in the caller's transaction. */
export async function removeFromSearch(scope: Scope, path: string): Promise<void> {
	if (scope.engine === 'sqlite') removeFromSearchSqlite(sqliteOf(scope), path);
	else await removeFromSearchPostgres(postgresOf(scope), path);
}

/** Brings the curated part of the index in line with `curated`, in one transaction. */
export async function refreshCuratedSearch(
	curated: readonly SearchDocument[],
	store: Store = getStore(),
): Promise<void> {
	await store.transact(async (scope) => {
		if (scope.engine === 'sqlite') refreshCuratedSearchSqlite(curated, sqliteOf(scope));
		else await refreshCuratedSearchPostgres(curated, postgresOf(scope));
	});
}

/** One page of search results over every published piece (see search.ts for the contract). */
export async function searchPublished(
	input: { query: string; kind?: SearchKind | null; topic?: string | null; page: number },
	store: Store = getStore(),
): Promise<SearchResults> {
	return store.read(async (scope) =>
		scope.engine === 'sqlite'
			? searchPublishedSqlite(input, sqliteOf(scope))
			: searchPublishedPostgres(input, postgresOf(scope)),
	);
}
