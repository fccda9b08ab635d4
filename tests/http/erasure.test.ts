import { dirname } from 'node:path';
import { eq } from 'drizzle-orm';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { submissions } from '../../db/schema.ts';
import { sqliteStore } from '../../db/store.ts';
import { purgeDeclinedStories } from '../../src/lib/server/retention.ts';
import { findWordsOnDisk } from '../helpers/disk-words.ts';
import { textOf } from '../helpers/html.ts';
import { postForm, type FormFields } from '../helpers/http.ts';
import { createModerator, signIn } from '../helpers/moderators.ts';
import { RELAXED_LIMITS } from '../helpers/server-setup.ts';
import { startServer, TEST_ENGINE, type RunningServer } from '../helpers/server.ts';
import { submitStory, validStory } from '../helpers/share.ts';

// A server with a data folder of its own: every file in it is searched byte by byte.
let server: RunningServer;
let database: Database;
let cookie: string;
async function startErasureServer() {
	server = await startServer({ env: { ...RELAXED_LIMITS, DECLINED_RETENTION_DAYS: '7' } });
	database = openDatabase(server.databasePath);
	const moderator = await createModerator({ store: sqliteStore(database) });
	cookie = (await signIn(moderator.username, moderator.password, server.baseUrl)).cookie!;
}
async function stopErasureServer() {
	database?.$client.close();
	await server?.stop();
}

const post = (path: string, fields: FormFields, asModerator = false) =>
	postForm(path, fields, {
		baseUrl: server.baseUrl,
		headers: asModerator ? { cookie } : {},
	});

async function share(fields: FormFields) {
	const story = validStory(fields);
	const { receiptCode } = await submitStory(story, server.baseUrl);
	expect(receiptCode).toBeTruthy();
	const row = database.select().from(submissions).where(eq(submissions.title, story.title)).get()!;
	return { id: row.id, receiptCode: receiptCode!, story };
}

const versionOf = (id: string) =>
	database.select().from(submissions).where(eq(submissions.id, id)).get()!;

async function decide(id: string, fields: FormFields) {
	const response = await post(
		`/moderate/${id}?_action=decideStory`,
		{ id, version: String(versionOf(id).version), ...fields },
		true,
	);
	expect(response.status).toBeLessThan(400);
}

const dataFolder = () => dirname(server.databasePath);

describe.skipIf(TEST_ENGINE === 'postgres')(
	'erasure through the running site (SQLite only: it searches the data folder byte by byte)',
	() => {
		beforeAll(startErasureServer);
		afterAll(stopErasureServer);

		it('leaves no word of a published, reported, withdrawn story in any file', async () => {
			const { id, receiptCode } = await share({
				title: 'Zorbelwick mornings at the Thrumpledown mill',
				body: `I grew up above the Thrumpledown mill in Zorbelwick. My sponsor Vexalind said to write it down. Write to quorvak.tindlemoss@brimbledox.example or call 0161 4972 8835. ${'The first year was slow, the second was better. '.repeat(8)}`,
				penName: 'Glimmerquack',
			});
			// The email and phone are there on purpose: publish past the identifying-details check.
			await decide(id, { decision: 'publish', confirm: 'true' });
			const slug = versionOf(id).slug!;
			const report = await post(`/stories/${slug}?_action=reportStory`, {
				slug,
				reason: 'identifying-details',
				note: 'Snorvantic knows this family from Plimbertoft',
			});
			expect(report.status).toBeLessThan(400);
			const withdrawn = await post('/my-story?_action=withdrawMyStory', {
				code: receiptCode,
				intent: 'withdraw',
			});
			expect(withdrawn.status).toBe(200);

			expect(
				findWordsOnDisk(dataFolder(), [
					'Zorbelwick',
					'Thrumpledown',
					'Vexalind',
					'Glimmerquack',
					'quorvak',
					'tindlemoss',
					'brimbledox',
					'4972',
					'8835',
					'Snorvantic',
					'Plimbertoft',
				]),
			).toEqual([]);
		});

		it('leaves no word a moderator redacted before publishing', async () => {
			const { id, story } = await share({
				body: `My neighbour Quistamel Ordwhistle from Brackenvoss drove me to detox. ${'Every day got a little easier after that. '.repeat(8)}`,
			});
			const edited = await post(
				`/moderate/${id}?_action=editStory`,
				{
					id,
					version: String(versionOf(id).version),
					title: story.title,
					body: `A neighbour drove me to detox. ${'Every day got a little easier after that. '.repeat(8)}`,
					penName: story.penName,
					topics: story.topics,
					contentWarnings: [],
				},
				true,
			);
			expect(edited.status).toBeLessThan(400);
			await decide(id, { decision: 'publish' });
			expect(versionOf(id).status).toBe('approved');

			expect(findWordsOnDisk(dataFolder(), ['Quistamel', 'Ordwhistle', 'Brackenvoss'])).toEqual([]);
		});

		it('tells the writer a declined story was erased after the retention period, and keeps no word of it', async () => {
			const { id, receiptCode } = await share({
				title: 'The Quillendorf winter',
				body: `Nobody in Quillendorf knew how bad it was. ${'Each week felt a little lighter than the last. '.repeat(8)}`,
			});
			await decide(id, {
				decision: 'decline',
				reason: 'identifying-details',
				note: 'Please leave out Quillendorf.',
			});
			// Eight days later, the daily purge (run here as `npm run db:purge` would).
			const eightDaysLater = new Date(Date.now() + 8 * 86_400_000);
			expect(await purgeDeclinedStories(7, sqliteStore(database), eightDaysLater)).toBe(1);

			const response = await post('/my-story?_action=lookUpMyStory', { code: receiptCode });
			const page = parse(await response.text());
			const status = textOf(page.querySelector('.my-story-status'));
			expect(textOf(page.querySelector('#status-heading'))).toBe('Status: Declined');
			expect(status).toContain('It identifies someone');
			expect(status).toContain('erased 7 days after the decision');
			expect(page.querySelector('textarea#body')).toBeNull();
			expect(findWordsOnDisk(dataFolder(), ['Quillendorf'])).toEqual([]);
		});
	},
);
