import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';

export interface WordOnDisk {
	file: string;
	needle: string;
}

/**
 * What a seized disk would give away: each word on its own, and its first and last six
 * letters (FTS5 stores porter-stemmed, lower-cased terms, prefix-compressed against the
 * term before them), looked for case-insensitively in the raw bytes.
 */
function needlesOf(words: readonly string[]): string[] {
	const needles = new Set<string>();
	for (const word of words) {
		const lower = word.toLowerCase();
		needles.add(lower);
		if (lower.length > 6) {
			needles.add(lower.slice(0, 6));
			needles.add(lower.slice(-6));
		}
	}
	return [...needles];
}

/** Lower-cases ASCII letters in place, so one `indexOf` finds a word in any case. */
function lowerCaseAscii(bytes: Buffer): Buffer {
	for (let index = 0; index < bytes.length; index += 1) {
		const byte = bytes[index]!;
		if (byte >= 0x41 && byte <= 0x5a) bytes[index] = byte + 0x20;
	}
	return bytes;
}

/**
 * The page numbers (1-based) of a table's own b-tree in a closed database file, read with a
 * separate connection through SQLite's dbstat table.
 */
function pagesOf(file: string, table: string): number[] {
	const client = new Sqlite(file, { readonly: true });
	try {
		return client
			.prepare<[string], { pageno: number }>('SELECT pageno FROM dbstat WHERE name = ?')
			.all(table)
			.map((row) => row.pageno);
	} finally {
		client.close();
	}
}

export interface WordsOnDiskOptions {
	/** SQLite: the pages of these tables in the file. */
	skipTablePages?: { databaseFile: string; tables: string[] };
	/** PostgreSQL: these relation files (paths below the folder), with their 1 GB segments. */
	skipFiles?: string[];
}

/**
 * Every occurrence of the words (see needlesOf) in every file of `folder`, read as raw bytes.
 * The options leave out the tables that are meant to hold the words (an unpublished story
 * keeps its text for a possible restore; only its other copies must go).
 */
export function findWordsOnDisk(
	folder: string,
	words: readonly string[],
	options: WordsOnDiskOptions = {},
): WordOnDisk[] {
	const found: WordOnDisk[] = [];
	const skipped = new Set(options.skipFiles);
	for (const name of readdirSync(folder, { recursive: true }) as string[]) {
		const file = join(folder, name);
		if (!statSync(file).isFile() || skipped.has(name.replace(/\.\d+$/, ''))) continue;
		const bytes = lowerCaseAscii(readFileSync(file));
		const skip = options.skipTablePages;
		if (skip && file === skip.databaseFile) {
			const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
			for (const table of skip.tables) {
				for (const page of pagesOf(file, table)) {
					const start = (page - 1) * pageSize;
					// A page written since the last checkpoint may exist only in the WAL.
					if (start < bytes.length) bytes.fill(0, start, Math.min(page * pageSize, bytes.length));
				}
			}
		}
		for (const needle of needlesOf(words)) {
			if (bytes.includes(needle, 0, 'latin1')) found.push({ file: name, needle });
		}
	}
	return found;
}
