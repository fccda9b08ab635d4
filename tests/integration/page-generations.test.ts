import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import {
	markPagesChangedSqlite,
	pageGenerationReader,
} from '../../src/lib/server/page-generations.ts';
import { LIST_PAGES } from '../../src/lib/server/page-scopes.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

let temp: TempDatabase;
let other: Database;
beforeEach(() => {
	temp = createTempDatabase();
	// Another server on the same file: its own connection, as a second process has.
	other = openDatabase(temp.path);
});
afterEach(() => {
	other.$client.close();
	temp.remove();
});

/** A change committed by a separate process, not just another connection in this one. */
function markChangedInAnotherProcess(scope: string): void {
	execFileSync(
		process.execPath,
		[
			'-e',
			`const Database = require('better-sqlite3');
			const db = new Database(process.argv[1]);
			db.prepare("INSERT INTO page_generations (scope, generation) VALUES (?, 1) ON CONFLICT (scope) DO UPDATE SET generation = generation + 1").run(process.argv[2]);`,
			temp.path,
			scope,
		],
		{ cwd: process.cwd() },
	);
}

describe("a cached page's generation", () => {
	it('stays put while nothing is committed, however often it is read', () => {
		const generationOf = pageGenerationReader(temp.database);
		const first = generationOf('/stories');
		for (let read = 0; read < 100; read++) expect(generationOf('/stories')).toBe(first);
	});

	it('moves at the very next read when another connection commits a change to it', () => {
		const generationOf = pageGenerationReader(temp.database);
		const story = generationOf('/stories/a-story');
		markPagesChangedSqlite(other, '/stories/a-story');
		expect(generationOf('/stories/a-story')).toBeGreaterThan(story);

		const list = generationOf('/stories');
		markPagesChangedSqlite(other, LIST_PAGES);
		expect(generationOf('/stories')).toBeGreaterThan(list);
	});

	it('moves when another process commits, also after a checkpoint has emptied the log', () => {
		const generationOf = pageGenerationReader(temp.database);
		const before = generationOf('/stories');
		markChangedInAnotherProcess(LIST_PAGES);
		const afterFirst = generationOf('/stories');
		expect(afterFirst).toBeGreaterThan(before);

		// A truncating checkpoint starts the log over: counts and positions begin again.
		other.$client.pragma('wal_checkpoint(TRUNCATE)');
		expect(generationOf('/stories')).toBe(afterFirst);
		markChangedInAnotherProcess(LIST_PAGES);
		expect(generationOf('/stories')).toBeGreaterThan(afterFirst);
	});

	it('ignores a change to another story page', () => {
		const generationOf = pageGenerationReader(temp.database);
		const story = generationOf('/stories/a-story');
		markPagesChangedSqlite(other, '/stories/another-story');
		expect(generationOf('/stories/a-story')).toBe(story);
	});
});
