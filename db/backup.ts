import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';

/** Copy every remaining page in one step: see `backupDatabase`. */
const ALL_PAGES = 0x7fffffff;

export type BackupProblem =
	'source-missing' | 'destination-exists' | 'destination-is-source' | 'destination-unwritable';

/** A backup refused for a reason the operator can fix; `problem` says which. */
export class BackupError extends Error {
	readonly problem: BackupProblem;

	constructor(problem: BackupProblem, message: string) {
		super(message);
		this.name = 'BackupError';
		this.problem = problem;
	}
}

export interface BackupResult {
	source: string;
	destination: string;
	pages: number;
	bytes: number;
	milliseconds: number;
	/** The destination existed and was replaced (`overwrite`). */
	replaced: boolean;
}

function sameFile(first: string, second: string): boolean {
	if (resolve(first) === resolve(second)) return true;
	return existsSync(second) && realpathSync(first) === realpathSync(second);
}

function removeQuietly(path: string): void {
	for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/**
 * Refuses a destination the operator did not mean to replace (unless `overwrite`) or cannot
 * write to; says whether it exists. Shared by both engines' backups.
 */
export function checkDestination(destination: string, overwrite: boolean): boolean {
	const existed = existsSync(destination);
	if (existed && !overwrite) {
		throw new BackupError(
			'destination-exists',
			`${destination} already exists; choose another name, or add --force to replace it.`,
		);
	}
	const folder = dirname(destination);
	if (!existsSync(folder) || !statSync(folder).isDirectory()) {
		throw new BackupError(
			'destination-unwritable',
			`Cannot write ${destination}: ${folder} ${existsSync(folder) ? 'is not a folder' : 'does not exist'}.`,
		);
	}

	return existed;
}

/** Where a copy is written before it is checked and moved to `destination`. */
export function partialPathFor(destination: string): string {
	return join(
		dirname(destination),
		`.${basename(destination)}.${randomBytes(6).toString('hex')}.partial`,
	);
}

/**
 * Moves a finished, checked copy (`partial`, written next to it) to `destination`, so a
 * failed backup never leaves a half-written file under the destination's name; says what
 * the operator is told of it.
 */
export function moveIntoPlace(
	partial: string,
	destination: string,
	made: { overwrite?: boolean | undefined; existed: boolean; startedAt: number },
): { destination: string; bytes: number; milliseconds: number; replaced: boolean } {
	if (made.overwrite) {
		renameSync(partial, destination);
	} else {
		try {
			// A hard link, unlike a rename, refuses to replace a file that appeared meanwhile.
			linkSync(partial, destination);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EEXIST' || existsSync(destination)) {
				throw new BackupError('destination-exists', `${destination} appeared meanwhile; kept it.`);
			}
			// A file system without hard links: a rename, after that last look.
			renameSync(partial, destination);
		}
	}
	return {
		destination,
		bytes: statSync(destination).size,
		milliseconds: performance.now() - made.startedAt,
		replaced: made.existed,
	};
}

/**
 * Copies the live database at `source` to the new file `destination` with SQLite's online
 * backup API, while servers keep reading and writing it (WAL mode lets them).
 *
 * All pages are copied in one step, inside one read transaction: the copy is the database
 * as of that moment, and writers (other processes included) cannot force the restarts a
 * page-by-page backup suffers under steady load. The copy is written next to
 * `destination` under a temporary name, switched to a rollback journal (one
 * self-contained file; the server turns WAL back on when it opens it), checked with
 * `PRAGMA integrity_check`, and only then moved into place, so a failed backup never
 * leaves a half-written file under the destination's name.
 *
 * An existing `destination` is kept (`destination-exists`) unless `overwrite`; the live
 * database itself is never a valid destination.
 */
export async function backupDatabase(
	source: string,
	destination: string,
	options: { overwrite?: boolean } = {},
): Promise<BackupResult> {
	const startedAt = performance.now();
	if (!existsSync(source)) {
		throw new BackupError('source-missing', `There is no database at ${source}.`);
	}
	if (sameFile(source, destination)) {
		throw new BackupError(
			'destination-is-source',
			`${destination} is the live database itself; choose another file.`,
		);
	}
	const existed = checkDestination(destination, options.overwrite ?? false);
	const partial = partialPathFor(destination);
	// Read and write like the server (SQLite falls back to reading on a read-only disk), so that
	// when no server runs, closing folds the write-ahead log back and leaves no side files.
	const live = new Sqlite(source, { fileMustExist: true });
	try {
		live.pragma('busy_timeout = 5000');
		try {
			await live.backup(partial, { progress: () => ALL_PAGES });
		} catch (error) {
			throw new BackupError(
				'destination-unwritable',
				`Cannot write ${destination}: ${(error as Error).message}.`,
			);
		}
		const copy = new Sqlite(partial, { fileMustExist: true });
		let pages: number;
		try {
			copy.pragma('journal_mode = DELETE');
			const integrity = copy.pragma('integrity_check', { simple: true });
			if (integrity !== 'ok') {
				throw new Error(`The copy failed its integrity check (${String(integrity)}).`);
			}
			pages = copy.pragma('page_count', { simple: true }) as number;
		} finally {
			copy.close();
		}
		return {
			source,
			pages,
			...moveIntoPlace(partial, destination, { overwrite: options.overwrite, existed, startedAt }),
		};
	} finally {
		live.close();
		removeQuietly(partial);
	}
}
