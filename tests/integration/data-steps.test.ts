import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { runDataSteps, type DataStep } from '../../db/data-steps.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { submissions } from '../../db/schema.ts';
import { renderUserMarkdown } from '../../src/lib/markdown.ts';
import { pageGenerationReader } from '../../src/lib/server/page-generations.ts';
import {
	createTempDatabase,
	createTempFolder,
	type TempDatabase,
} from '../helpers/temp-database.ts';

const run = promisify(execFile);

let temp: TempDatabase | undefined;
afterEach(() => {
	temp?.remove();
	temp = undefined;
});

/** What the sanitizer stored before the fix for `[x](/x) [y](https://attacker.example/phish)`. */
const BROKEN_SOURCE = '[x](/x) [y](https://attacker.example/phish) and **bold** end.';
const BROKEN_HTML =
	'<p>x <a href="https://attacker.example/phish" rel="nofollow ugc noopener noreferrer">y</span> and <strong>bold</span> end.</p>\n';

function storeStory(database: Database, id: string, body: string, bodyHtml: string): void {
	database
		.insert(submissions)
		.values({
			id,
			title: `Story ${id}`,
			body,
			bodyHtml,
			status: 'approved',
			createdDay: '2026-01-01',
		})
		.run();
}

function storedHtml(database: Database): Record<string, string> {
	return Object.fromEntries(
		database
			.select({ id: submissions.id, html: submissions.bodyHtml })
			.from(submissions)
			.all()
			.map(({ id, html }) => [id, html]),
	);
}

/** A step that writes down every key it is given, so a test can see what ran when. */
function recordingStep(keys: string[], failOnBatch?: number): DataStep & { batches: number } {
	const step = {
		name: 'test-recording',
		batches: 0,
		runBatch(transaction: Parameters<DataStep['runBatch']>[0], after: string | null, size: number) {
			step.batches += 1;
			if (step.batches === failOnBatch) throw new Error('crashed mid-way');
			const rows = transaction.all<{ id: string }>(
				sql`SELECT id FROM submissions WHERE id > ${after ?? ''} ORDER BY id LIMIT ${size}`,
			);
			keys.push(...rows.map(({ id }) => id));
			return rows.length < size ? null : rows.at(-1)!.id;
		},
	};
	return step;
}

describe('runDataSteps', () => {
	it('goes through every row in batches, once, and never again', () => {
		temp = createTempDatabase();
		for (const id of ['a', 'b', 'c', 'd', 'e'])
			storeStory(temp.database, id, 'text', '<p>text</p>\n');
		const seen: string[] = [];
		const step = recordingStep(seen);
		expect(runDataSteps(temp.database, [step], 2)).toBe(1);
		expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(step.batches).toBe(3);
		expect(runDataSteps(temp.database, [step], 2)).toBe(0);
		expect(step.batches).toBe(3);
	});

	it('resumes after the last committed batch when a run is cut short', () => {
		temp = createTempDatabase();
		for (const id of ['a', 'b', 'c', 'd', 'e'])
			storeStory(temp.database, id, 'text', '<p>text</p>\n');
		const seen: string[] = [];
		expect(() => runDataSteps(temp!.database, [recordingStep(seen, 2)], 2)).toThrow(/crashed/);
		expect(seen).toEqual(['a', 'b']);
		expect(runDataSteps(temp.database, [recordingStep(seen)], 2)).toBe(1);
		expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
	});
});

describe('the re-render data step', () => {
	it('replaces stored broken markup with the balanced rendering, and marks pages changed', () => {
		temp = createTempDatabase();
		storeStory(temp.database, 'broken', BROKEN_SOURCE, BROKEN_HTML);
		storeStory(temp.database, 'withdrawn', '', '');
		temp.database.run(sql`DELETE FROM __data_steps`);
		const generation = pageGenerationReader(temp.database)('/stories/broken');
		expect(migrateDatabase(temp.database)).toBe(0);
		const html = storedHtml(temp.database);
		expect(html.broken).toBe(renderUserMarkdown(BROKEN_SOURCE));
		expect(html.broken).not.toContain('</span>');
		expect(html.broken).toContain('>y</a> and <strong>bold</strong> end.');
		expect(html.withdrawn).toBe('');
		expect(pageGenerationReader(temp.database)('/stories/broken')).toBeGreaterThan(generation);
	});

	it('finishes once when three processes start on the same file together', async () => {
		const folder = createTempFolder();
		const path = join(folder, 'shared.db');
		try {
			const database = openDatabase(path);
			migrateDatabase(database);
			for (let index = 0; index < 450; index += 1) {
				storeStory(database, `story-${String(index).padStart(4, '0')}`, BROKEN_SOURCE, BROKEN_HTML);
			}
			database.run(sql`DELETE FROM __data_steps`);
			database.$client.close();
			const migrate = () =>
				run(process.execPath, ['scripts/db-migrate.ts'], {
					env: { ...process.env, DATABASE_PATH: path },
				});
			await Promise.all([migrate(), migrate(), migrate()]);
			const reopened = openDatabase(path);
			const html = new Set(Object.values(storedHtml(reopened)));
			expect([...html]).toEqual([renderUserMarkdown(BROKEN_SOURCE)]);
			expect(
				reopened.all(
					sql`SELECT name, position, done FROM __data_steps WHERE name = 'rerender-story-html-balanced-links'`,
				),
			).toEqual([{ name: 'rerender-story-html-balanced-links', position: null, done: 1 }]);
			reopened.$client.close();
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	}, 120_000);
});
