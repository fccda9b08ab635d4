import Sqlite from 'better-sqlite3';
import { inArray, sum } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, sqliteStore, type Store } from '../../db/store.ts';
import * as schema from '../../db/schema.ts';
import { scopesOfPage } from '../../src/lib/server/page-scopes.ts';
import { addReaction, readReactionCounts } from '../../src/lib/server/reactions.ts';
import { useTestStores } from '../helpers/stores.ts';

const testStores = useTestStores();

// Each test uses its own story slugs: the set of today's reactions lives in the process.
const uniqueSlug = () => `shared-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Two stores on one fresh database of `engine`: one as the site opens it, one the database
 * refuses every write through (a read-only SQLite handle; read-only PostgreSQL sessions).
 */
async function writableAndRefusing(engine: Store['engine']): Promise<[Store, Store]> {
	if (engine === 'sqlite') {
		const temp = testStores.tempDatabase();
		const readOnly = drizzle({ client: new Sqlite(temp.path, { readonly: true }), schema });
		return [sqliteStore(temp.database), testStores.closeAfterTest(sqliteStore(readOnly))];
	}
	const url = new URL(await testStores.cluster.createMigratedDatabase());
	const writable = testStores.closeAfterTest(openPostgresStore(url.href));
	url.searchParams.set('options', '-c default_transaction_read_only=on');
	return [writable, testStores.closeAfterTest(openPostgresStore(url.href))];
}

describe.each(['sqlite', 'postgres'] as const)('addReaction on %s', (engine) => {
	let store: Store;
	beforeEach(async () => {
		store = await testStores.freshStore(engine);
	});
	const react = (slug: string, reaction: 'helped' | 'strength', reader: string, now?: Date) =>
		addReaction(slug, reaction, reader, store, now);

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
		expect(await readReactionCounts(slug, store)).toEqual({ helped: 3, strength: 1 });
	});

	it('counts the same reader again the next day', async () => {
		const slug = uniqueSlug();
		await react(slug, 'helped', 'reader-a', new Date('2031-03-01T23:59:00Z'));
		await react(slug, 'helped', 'reader-a', new Date('2031-03-02T00:01:00Z'));
		expect((await readReactionCounts(slug, store)).helped).toBe(2);
	});

	it('keeps one story’s counts apart from another’s', async () => {
		const [first, second] = [uniqueSlug(), uniqueSlug()];
		await react(first, 'helped', 'reader-a');
		await react(second, 'strength', 'reader-a');
		expect(await readReactionCounts(first, store)).toEqual({ helped: 1, strength: 0 });
		expect(await readReactionCounts(second, store)).toEqual({ helped: 0, strength: 1 });
	});

	it('stores only totals: no reader, no time', async () => {
		const slug = uniqueSlug();
		await react(slug, 'helped', 'reader-a');
		await react(slug, 'helped', 'reader-b');
		expect(
			await store.read(({ query, tables }) => query.select().from(tables.reactionCounts)),
		).toEqual([{ storySlug: slug, reaction: 'helped', count: 2 }]);
	});

	it('lets a reader send again a reaction the database refused', async () => {
		const slug = uniqueSlug();
		const [writable, refusing] = await writableAndRefusing(engine);
		await expect(addReaction(slug, 'helped', 'reader-a', refusing)).rejects.toThrow();
		expect((await addReaction(slug, 'helped', 'reader-a', writable)).counted).toBe(true);
		expect((await readReactionCounts(slug, writable)).helped).toBe(1);
	});

	it("moves that story page's generation only, so other cached pages stay", async () => {
		const slug = uniqueSlug();
		// A page's generation is the sum of the counters of the scopes it depends on.
		const generationOf = async (path: string) => {
			const [row] = await store.read(({ query, tables: { pageGenerations } }) =>
				query
					.select({ total: sum(pageGenerations.generation).mapWith(Number) })
					.from(pageGenerations)
					.where(inArray(pageGenerations.scope, scopesOfPage(path))),
			);
			return row?.total ?? 0;
		};
		const [story, list] = [await generationOf(`/stories/${slug}`), await generationOf('/stories')];
		await react(slug, 'helped', 'reader-a');
		expect(await generationOf(`/stories/${slug}`)).toBeGreaterThan(story);
		expect(await generationOf('/stories')).toBe(list);
		const afterFirst = await generationOf(`/stories/${slug}`);
		await react(slug, 'helped', 'reader-a');
		expect(await generationOf(`/stories/${slug}`)).toBe(afterFirst);
	});
});
