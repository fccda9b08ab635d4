import type { Queryable } from '../../../db/client.ts';
import { markPagesChanged } from './page-generations.ts';
import { indexForSearch, removeFromSearch, type SearchDocument } from './search.ts';

/**
 * The two ways the public library changes. Both run inside the caller's transaction, so
 * search and every process's page cache follow the change exactly when it commits.
 */

/** A piece is published, or its published text changed. */
export function putInLibrary(transaction: Queryable, document: SearchDocument): void {
	indexForSearch(transaction, document);
	markPagesChanged(transaction);
}

/** A piece left the library (unpublished, withdrawn, hidden by reports). */
export function takeOutOfLibrary(transaction: Queryable, path: string): void {
	removeFromSearch(transaction, path);
	markPagesChanged(transaction);
}
