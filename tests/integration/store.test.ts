import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
	openPostgresStore,
	openStore,
	sqliteStore,
	type Scope,
	type Store,
} from '../../db/store.ts';
import { isStorageFailure } from '../../src/lib/server/storage-failure.ts';
import { useTestStores } from '../helpers/stores.ts';

const testStores = useTestStores();
const { freshStore } = testStores;

/** Inserts a site setting: a small row of a table both engines have. */
const setSetting =
	(name: string, value = 'yes') =>
	async ({ query, tables }: Scope) => {
		await query.insert(tables.siteSettings).values({ name, value });
		return name;
	};

const settingNames = (store: Store) =>
	store.read(async ({ query, tables }) =>
		(await query.select({ name: tables.siteSettings.name }).from(tables.siteSettings))
			.map((row) => row.name)
			.sort(),
	);

/** Reads the counter, then writes what it read plus one: two at once would lose one. */
const addOneAfterReading = async ({ query, tables }: Scope) => {
	const [row] = await query
		.select({ value: tables.siteSettings.value })
		.from(tables.siteSettings)
		.where(eq(tables.siteSettings.name, 'visits'));
	await query
		.update(tables.siteSettings)
		.set({ value: String(Number(row!.value) + 1) })
		.where(eq(tables.siteSettings.name, 'visits'));
};

const visits = (store: Store) =>
	store.read(async ({ query, tables }) => {
		const [row] = await query
			.select({ value: tables.siteSettings.value })
			.from(tables.siteSettings)
			.where(eq(tables.siteSettings.name, 'visits'));
		return row?.value;
	});

function deferred() {
	let resolve!: () => void;
	const promise = new Promise<void>((settle) => (resolve = settle));
	return { promise, resolve };
}

describe.each(['sqlite', 'postgres'] as const)('a store on %s', (engine) => {
	it('commits a transaction whole: the next read sees every row it wrote', async () => {
		const store = await freshStore(engine);
		await store.transact(async (scope) => {
			await setSetting('first')(scope);
			await setSetting('second')(scope);
		});
		expect(await settingNames(store)).toEqual(['first', 'second']);
	});

	it('undoes a transaction that throws, leaving nothing of it, and its caller hears why', async () => {
		const store = await freshStore(engine);
		const refused = store.transact(async (scope) => {
			await setSetting('half written')(scope);
			throw new Error('The second write was refused.');
		});
		await expect(refused).rejects.toThrow('The second write was refused.');
		expect(await settingNames(store)).toEqual([]);
	});

	it('settles transactions asked for together each on its own: a failing one is undone alone', async () => {
		const store = await freshStore(engine);
		const outcomes = await Promise.allSettled([
			store.transact(setSetting('first')),
			store.transact(async (scope) => {
				await setSetting('half written')(scope);
				throw new Error('refused');
			}),
			store.transact(setSetting('third')),
		]);
		expect(outcomes.map((outcome) => outcome.status)).toEqual([
			'fulfilled',
			'rejected',
			'fulfilled',
		]);
		expect(await settingNames(store)).toEqual(['first', 'third']);
	});

	it('never lets a read see rows of a transaction that is then undone', async () => {
		const store = await freshStore(engine);
		const written = deferred();
		const gate = deferred();
		const undone = store.transact(async (scope) => {
			await setSetting('never committed')(scope);
			written.resolve();
			await gate.promise;
			throw new Error('undone');
		});
		await written.promise;
		const seen = settingNames(store);
		gate.resolve();
		await expect(undone).rejects.toThrow('undone');
		expect(await seen).toEqual([]);
	});

	it('runs after-commit callbacks in order once committed, before its caller resumes', async () => {
		const store = await freshStore(engine);
		const ran: string[] = [];
		const transacted = store.transact(async (scope) => {
			scope.afterCommit(() => ran.push('first'));
			await setSetting('committed')(scope);
			scope.afterCommit(() => ran.push('second'));
			expect(ran).toEqual([]);
		});
		await transacted;
		expect(ran).toEqual(['first', 'second']);
	});

	it('never runs the after-commit callbacks of a transaction that throws', async () => {
		const store = await freshStore(engine);
		const ran: string[] = [];
		const outcomes = await Promise.allSettled([
			store.transact(async (scope) => {
				scope.afterCommit(() => ran.push('undone'));
				await setSetting('half written')(scope);
				throw new Error('refused');
			}),
			store.transact(async (scope) => {
				await setSetting('kept')(scope);
				scope.afterCommit(() => ran.push('kept'));
			}),
		]);
		expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
		expect(ran).toEqual(['kept']);
	});

	it('runs an after-commit callback of a read at once: there is nothing to wait for', async () => {
		const store = await freshStore(engine);
		const ran: string[] = [];
		await store.read(async (scope) => {
			scope.afterCommit(() => ran.push('read'));
			expect(ran).toEqual(['read']);
			await scope.query.select().from(scope.tables.siteSettings);
		});
	});

	it('counts every one of many read-then-write transactions on the same row', async () => {
		const store = await freshStore(engine);
		await store.transact(setSetting('visits', '0'));
		await Promise.all(Array.from({ length: 20 }, () => store.transact(addOneAfterReading)));
		expect(await visits(store)).toBe('20');
	});
});

describe('a store on sqlite', () => {
	it('tells every transaction of a commit that the disk refused, and keeps none of them', async () => {
		const temp = testStores.tempDatabase();
		const store = testStores.closeAfterTest(sqliteStore(temp.database));
		// A file that may not grow stands in for a full disk: SQLite answers SQLITE_FULL.
		const client = temp.database.$client;
		client.pragma(`max_page_count = ${client.pragma('page_count', { simple: true }) as number}`);
		const big = 'x'.repeat(2 * 1024 * 1024);
		const ran: string[] = [];
		const noting = (name: string, value?: string) => async (scope: Scope) => {
			scope.afterCommit(() => ran.push(name));
			return setSetting(name, value)(scope);
		};
		const outcomes = await Promise.allSettled([
			store.transact(noting('small')),
			store.transact(noting('too big', big)),
			store.transact(noting('another small')),
		]);
		const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
		expect(refused.length).toBeGreaterThan(0);
		expect(refused.every((outcome) => isStorageFailure(outcome.reason))).toBe(true);
		const stored = ['small', 'too big', 'another small'].filter(
			(_, index) => outcomes[index]!.status === 'fulfilled',
		);
		// Only what is on disk ran its callbacks.
		expect(ran).toEqual(stored);
		expect(await settingNames(store)).toEqual(stored.sort());
	});
});

describe('two stores on one PostgreSQL database (two app servers)', () => {
	it('count every read-then-write transaction of both on the same row', async () => {
		const url = await testStores.cluster.createMigratedDatabase();
		const one = testStores.closeAfterTest(openPostgresStore(url));
		const two = testStores.closeAfterTest(openPostgresStore(url));
		await one.transact(setSetting('visits', '0'));
		await Promise.all(
			Array.from({ length: 30 }, (_, index) =>
				(index % 2 ? one : two).transact(addOneAfterReading),
			),
		);
		expect(await visits(two)).toBe('30');
	});
});

describe('openStore', () => {
	it('refuses a DATABASE_URL that is not PostgreSQL, saying what it takes', () => {
		expect(() => openStore({ DATABASE_URL: 'mysql://localhost/site' })).toThrow(
			/DATABASE_URL must be a PostgreSQL URL/,
		);
	});

	it('runs on PostgreSQL when DATABASE_URL is set', async () => {
		const store = testStores.closeAfterTest(
			openStore({ DATABASE_URL: await testStores.cluster.createMigratedDatabase() }),
		);
		expect(store.engine).toBe('postgres');
		await store.transact(setSetting('from the url'));
		expect(await settingNames(store)).toEqual(['from the url']);
	});
});
