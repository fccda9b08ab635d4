import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../db/migrate.ts';
import { findWordsOnDisk } from '../helpers/disk-words.ts';
import { createTempFolder } from '../helpers/temp-database.ts';

/**
 * A database as it was before the privacy migrations (through 0010), holding rows written
 * by the old code: sequential ids, an exact report time and auto-hide time, an unkeyed
 * hash of a story's text and a copied decline note in the audit trail.
 */
const LAST_OLD_MIGRATION = '0010_audit_no_replace';
const FINGERPRINT = 'a3f1c2'.repeat(10) + 'beef';

let folder: string;
let database: Database;
beforeEach(() => {
	folder = createTempFolder();
	const oldMigrations = join(folder, 'old-migrations');
	mkdirSync(join(oldMigrations, 'meta'), { recursive: true });
	const journal = JSON.parse(
		readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'),
	) as { entries: { tag: string }[] };
	const last = journal.entries.findIndex((entry) => entry.tag === LAST_OLD_MIGRATION);
	journal.entries = journal.entries.slice(0, last + 1);
	writeFileSync(join(oldMigrations, 'meta/_journal.json'), JSON.stringify(journal));
	for (const file of readdirSync(MIGRATIONS_FOLDER).filter((name) => name.endsWith('.sql'))) {
		copyFileSync(join(MIGRATIONS_FOLDER, file), join(oldMigrations, file));
	}
	database = openDatabase(join(folder, 'data', 'site.db'));
	migrateDatabase(database, oldMigrations);
	const at = (time: string) => Date.parse(`2026-03-10T${time}Z`) / 1000;
	database.$client.exec(`
		INSERT INTO moderators (id, username, password_hash, created_at) VALUES ('m1', 'morgan', 'x', ${at('07:00:00')});
		INSERT INTO submissions (id, title, body, body_html, status, created_day)
			VALUES ('declined', 'A winter', 'Text', '<p>Text</p>', 'rejected', '2026-03-10'),
			('withdrawn', '', '', '', 'withdrawn', '2026-03-10'),
			('published', 'A spring', 'Text', '<p>Text</p>', 'unpublished', '2026-03-10');
		INSERT INTO moderation_events (moderator_id, submission_id, action, reason, detail, created_at) VALUES
			('m1', 'declined', 'decline', 'identifying-details', '{"note":"Leave out Wendleburr"}', ${at('10:00:00')}),
			(NULL, 'published', 'writer-revised', NULL, '{"textBefore":"${FINGERPRINT}","textAfter":"${FINGERPRINT}"}', ${at('00:00:00')}),
			(NULL, 'published', 'auto-hidden', 'reader reports', '{"reportersToday":3}', ${at('11:22:33')});
		INSERT INTO reports (submission_id, reason, note, created_at) VALUES ('published', 'other', NULL, ${at('11:22:33')});
	`);
});
afterEach(() => {
	database.$client.close();
	rmSync(folder, { recursive: true, force: true });
});

const all = (sql: string) => database.$client.prepare(sql).all() as Record<string, unknown>[];

describe('the privacy migrations on a database with old rows', () => {
	it('re-keys and re-days old rows and drops what could confirm or date anything', () => {
		migrateDatabase(database);
		const midnight = Date.parse('2026-03-10T00:00:00Z') / 1000;

		const events = all('SELECT id, action, detail, created_at FROM moderation_events');
		expect(events.map((event) => Number(event.id)).some((id) => id <= 3)).toBe(false);
		const byAction = Object.fromEntries(events.map((event) => [String(event.action), event]));
		expect(JSON.parse(byAction['decline']!.detail as string)).toEqual({ withNote: true });
		expect(JSON.parse(byAction['writer-revised']!.detail as string)).toEqual({});
		expect(byAction['auto-hidden']!.created_at).toBe(midnight);

		const [report] = all('SELECT id, created_at FROM reports');
		expect(report!.created_at).toBe(midnight);
		expect(Number(report!.id)).toBeGreaterThan(1);

		expect(all(`SELECT id, declined_at, text_erased FROM submissions ORDER BY id`)).toEqual([
			{ id: 'declined', declined_at: Date.parse('2026-03-10T10:00:00Z') / 1000, text_erased: 0 },
			{ id: 'published', declined_at: null, text_erased: 0 },
			{ id: 'withdrawn', declined_at: null, text_erased: 1 },
		]);
		expect(findWordsOnDisk(dirname(database.$client.name), ['Wendleburr', FINGERPRINT])).toEqual(
			[],
		);
	});

	it('keeps the audit trail append-only after rebuilding its table', () => {
		migrateDatabase(database);
		const [event] = all('SELECT id FROM moderation_events LIMIT 1');
		const id = Number(event!.id);
		for (const statement of [
			`UPDATE moderation_events SET reason = 'x' WHERE id = ${id}`,
			`DELETE FROM moderation_events WHERE id = ${id}`,
			`INSERT OR REPLACE INTO moderation_events (id, action, created_at) VALUES (${id}, 'x', 0)`,
		]) {
			expect(() => database.$client.exec(statement), statement).toThrow(/append-only/);
		}
	});
});
