import { sqliteStore } from '../../db/store.ts';
import Sqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { reactionCounts } from '../../db/schema.ts';
import { pageGenerationReader } from '../../src/lib/server/page-generations.ts';
import { addReaction, readReactionCounts } from '../../src/lib/server/reactions.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

let temp: TempDatabase;
beforeEach(() => {
	temp = createTempDatabase();
});
afterEach(() => temp.remove());

// Each test uses its own story slugs: the set of today's reactions lives in the process.
const uniqueSlug = () => `shared-${Math.random().toString(36).slice(2, 10)}`;
const react = (slug: string, reaction: 'helped' | 'strength', reader: string, now?: Date) =>
	addReaction(slug, reaction, reader, sqliteStore(temp.database), now);

describe('addReaction', () => {
	it('counts each reader once per story, reaction and day, however often they press', async () => {
		const slug = uniqueSlug();
		expect(await react(slug, 'helped', 'reader-a')).toEqual({
			counted: true,
			counts: { helped: 1, strength: 0 },
		});
		expect(await react(slug, 'helped', 'reader-a')).toEqual({
			counted: false,
			counts: { helped: 1, strength: 0 },
		});
		await react(slug, 'strength', 'reader-a');
		await react(slug, 'helped', 'reader-b');
		for (let press = 0; press < 20; press++) await react(slug, 'helped', 'reader-c');
		expect(await readReactionCounts(slug, sqliteStore(temp.database))).toEqual({
			helped: 3,
			strength: 1,
		});
	});

	it('counts the same reader again the next day', async () => {
		const slug = uniqueSlug();
		await react(slug, 'helped', 'reader-a', new Date('2031-03-01T23:59:00Z'));
		await react(slug, 'helped', 'reader-a', new Date('2031-03-02T00:01:00Z'));
		expect((await readReactionCounts(slug, sqliteStore(temp.database))).helped).toBe(2);
	});

	it('keeps one story’s counts apart from another’s', async () => {
		const [first, second] = [uniqueSlug(), uniqueSlug()];
		await react(first, 'helped', 'reader-a');
		await react(second, 'strength', 'reader-a');
		expect(await readReactionCounts(first, sqliteStore(temp.database))).toEqual({
			helped: 1,
			strength: 0,
		});
		expect(await readReactionCounts(second, sqliteStore(temp.database))).toEqual({
			helped: 0,
			strength: 1,
		});
	});

	it('stores only totals: no reader, no time', async () => {
		const slug = uniqueSlug();
		await react(slug, 'helped', 'reader-a');
		await react(slug, 'helped', 'reader-b');
		expect(temp.database.select().from(reactionCounts).all()).toEqual([
			{ storySlug: slug, reaction: 'helped', count: 2 },
		]);
	});

	it('lets a reader send again a reaction the database refused', async () => {
		const slug = uniqueSlug();
		const readOnly = drizzle({ client: new Sqlite(temp.path, { readonly: true }), schema });
		await expect(addReaction(slug, 'helped', 'reader-a', sqliteStore(readOnly))).rejects.toThrow();
		readOnly.$client.close();
		expect((await react(slug, 'helped', 'reader-a')).counted).toBe(true);
		expect((await readReactionCounts(slug, sqliteStore(temp.database))).helped).toBe(1);
	});

	it("moves that story page's generation only, so other cached pages stay", async () => {
		const slug = uniqueSlug();
		const generationOf = pageGenerationReader(temp.database);
		const [story, list] = [generationOf(`/stories/${slug}`), generationOf('/stories')];
		await react(slug, 'helped', 'reader-a');
		expect(generationOf(`/stories/${slug}`)).toBeGreaterThan(story);
		expect(generationOf('/stories')).toBe(list);
		const afterFirst = generationOf(`/stories/${slug}`);
		await react(slug, 'helped', 'reader-a');
		expect(generationOf(`/stories/${slug}`)).toBe(afterFirst);
	});
});
