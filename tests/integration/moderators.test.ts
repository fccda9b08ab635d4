import { readFileSync } from 'node:fs';
import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sqliteStore, type Store } from '../../db/store.ts';
import {
	addModerator,
	countActiveModerators,
	disableModerator,
	findModeratorForSignIn,
	listModerators,
	ModeratorError,
	normalizeUsername,
	resetModeratorPassword,
	validateUsername,
} from '../../src/lib/server/moderators.ts';
import { verifyPassword } from '../../src/lib/server/passwords.ts';
import { startModeratorSession, validateModeratorSession } from '../../src/lib/server/session.ts';
import { appendAuditEvent } from '../../src/lib/server/audit.ts';
import { startOfUtcDay } from '../../src/lib/dates.ts';
import { useTestStores } from '../helpers/stores.ts';

const PASSWORD = 'violet harbor lantern';
const NEW_PASSWORD = 'quiet morning kettle';

const testStores = useTestStores();

/** The `ModeratorError` code a call fails with (the test fails if it does not). */
async function failureCode(promise: Promise<unknown>): Promise<string> {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason,
	);
	expect(error).toBeInstanceOf(ModeratorError);
	return (error as ModeratorError).code;
}

/** The audit trail, oldest first. */
const events = (store: Store) =>
	store.read(({ query, tables: { moderationEvents } }) =>
		query.select().from(moderationEvents).orderBy(asc(moderationEvents.createdAt)),
	);
const sessionCount = async (store: Store, moderatorId: string) =>
	(
		await store.read(({ query, tables: { sessions } }) =>
			query.select().from(sessions).where(eq(sessions.userId, moderatorId)),
		)
	).length;
const passwordHashOf = async (store: Store, username: string) =>
	(
		await store.read(({ query, tables: { moderators } }) =>
			query.select().from(moderators).where(eq(moderators.username, username)),
		)
	)[0]!.passwordHash;

describe('usernames', () => {
	it('normalizes by trimming and lower-casing', () => {
		expect(normalizeUsername('  Alice.Smith ')).toBe('alice.smith');
	});

	it.each([
		['', /too short/],
		['ab', /too short/],
		['a'.repeat(33), /too long/],
		['alice smith', /only letters/],
		['alice@example', /only letters/],
		['élodie', /only letters/],
		['.alice', /start with a letter or a digit/],
		['-alice', /start with a letter or a digit/],
		['_alice', /start with a letter or a digit/],
	])('refuses %j', (username, message) => {
		expect(validateUsername(username)).toMatch(message);
	});

	it.each(['abc', 'Alice', '7th.moderator', 'jo_ann-b', 'a'.repeat(32)])('accepts %j', (name) => {
		expect(validateUsername(name)).toBeNull();
	});
});

describe.each(['sqlite', 'postgres'] as const)('on %s', (engine) => {
	let store: Store;
	beforeEach(async () => {
		store = await testStores.freshStore(engine);
	});

	describe('addModerator and listModerators', () => {
		it('adds moderators with lower-cased names and lists them by name', async () => {
			const { id } = await addModerator(
				{ username: ' Zoe ', password: PASSWORD, isAdmin: true },
				store,
			);
			await addModerator({ username: 'bob', password: PASSWORD }, store);
			expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
			const listed = await listModerators(store);
			expect(listed.map((moderator) => moderator.username)).toEqual(['bob', 'zoe']);
			expect(listed[1]).toEqual({
				id,
				username: 'zoe',
				isAdmin: true,
				disabled: false,
				createdAt: expect.any(Date),
				hasSecondFactor: false,
			});
			expect(listed[0]!.isAdmin).toBe(false);
			expect(await countActiveModerators(store)).toBe(2);
		});

		it('stores an argon2id hash that verifies, and finds the account for sign-in in any case', async () => {
			const { id } = await addModerator({ username: 'alice', password: PASSWORD }, store);
			const account = await findModeratorForSignIn('  ALICE ', store);
			expect(account).toMatchObject({
				id,
				username: 'alice',
				disabled: false,
				hasSecondFactor: false,
				isAdmin: false,
			});
			expect(account!.passwordHash).toMatch(/^\$argon2id\$/);
			expect(await verifyPassword(account!.passwordHash, PASSWORD)).toBe(true);
			expect(await findModeratorForSignIn('nobody', store)).toBeNull();
		});

		it('refuses a name that is taken in any case', async () => {
			await addModerator({ username: 'alice', password: PASSWORD }, store);
			expect(
				await failureCode(addModerator({ username: 'ALICE', password: PASSWORD }, store)),
			).toBe('duplicate-username');
			expect(await listModerators(store)).toHaveLength(1);
		});

		it.each(['ab', 'alice smith', '.alice', 'x'.repeat(40)])(
			'refuses the invalid name %j',
			async (username) => {
				expect(await failureCode(addModerator({ username, password: PASSWORD }, store))).toBe(
					'invalid-username',
				);
				expect(await listModerators(store)).toEqual([]);
			},
		);

		it.each(['short', 'password1234', 'alice-the-moderator', 'aaaaaaaaaaaaaaaa'])(
			'refuses the weak password %j and stores nothing',
			async (password) => {
				expect(await failureCode(addModerator({ username: 'alice', password }, store))).toBe(
					'weak-password',
				);
				expect(await listModerators(store)).toEqual([]);
				expect(await events(store)).toEqual([]);
			},
		);
	});

	describe('disableModerator', () => {
		it('disables the account and ends every session of theirs at once', async () => {
			await addModerator({ username: 'admin', password: PASSWORD, isAdmin: true }, store);
			const { id } = await addModerator({ username: 'bob', password: PASSWORD }, store);
			const first = await startModeratorSession(id, { secondFactorVerified: false }, store);
			await startModeratorSession(id, { secondFactorVerified: false }, store);
			expect(await validateModeratorSession(first.token, store)).not.toBeNull();
			expect(await sessionCount(store, id)).toBe(2);

			await disableModerator('Bob', {}, store);

			expect(await sessionCount(store, id)).toBe(0);
			expect(await validateModeratorSession(first.token, store)).toBeNull();
			expect((await findModeratorForSignIn('bob', store))!.disabled).toBe(true);
			expect((await listModerators(store)).find((row) => row.id === id)!.disabled).toBe(true);
			expect(await countActiveModerators(store)).toBe(1);
		});

		it('says so when the account is already disabled, or unknown', async () => {
			await addModerator({ username: 'bob', password: PASSWORD }, store);
			await disableModerator('bob', {}, store);
			expect(await failureCode(disableModerator('bob', {}, store))).toBe('already-disabled');
			expect(await failureCode(disableModerator('nobody', {}, store))).toBe('not-found');
		});

		it('refuses to disable the last active admin, but allows it once there is another', async () => {
			const { id } = await addModerator(
				{ username: 'admin', password: PASSWORD, isAdmin: true },
				store,
			);
			await addModerator({ username: 'bob', password: PASSWORD }, store);
			const session = await startModeratorSession(id, { secondFactorVerified: false }, store);
			expect(await failureCode(disableModerator('admin', {}, store))).toBe('last-admin');
			expect((await findModeratorForSignIn('admin', store))!.disabled).toBe(false);
			expect(await validateModeratorSession(session.token, store)).not.toBeNull();

			const other = await addModerator(
				{ username: 'second-admin', password: PASSWORD, isAdmin: true },
				store,
			);
			await disableModerator('admin', { byModeratorId: other.id }, store);
			expect((await findModeratorForSignIn('admin', store))!.disabled).toBe(true);
			expect(
				(await events(store)).filter((event) => event.action === 'moderator-disabled'),
			).toMatchObject([{ action: 'moderator-disabled', moderatorId: other.id }]);
			// A disabled admin does not count: the remaining one is now the last.
			expect(await failureCode(disableModerator('second-admin', {}, store))).toBe('last-admin');
		});

		it('keeps one admin when two disable each other at once', async () => {
			await addModerator({ username: 'ash', password: PASSWORD, isAdmin: true }, store);
			await addModerator({ username: 'birch', password: PASSWORD, isAdmin: true }, store);
			const outcomes = await Promise.all(
				['ash', 'birch'].map((username) =>
					disableModerator(username, {}, store).then(
						() => 'disabled',
						(error: unknown) => (error as ModeratorError).code,
					),
				),
			);
			expect(outcomes.toSorted()).toEqual(['disabled', 'last-admin']);
			expect(await countActiveModerators(store)).toBe(1);
		});
	});

	describe('resetModeratorPassword', () => {
		it('sets a new password and ends every session of theirs', async () => {
			const { id } = await addModerator({ username: 'bob', password: PASSWORD }, store);
			const { token } = await startModeratorSession(id, { secondFactorVerified: false }, store);

			await resetModeratorPassword('BOB', NEW_PASSWORD, store);

			expect(await sessionCount(store, id)).toBe(0);
			expect(await validateModeratorSession(token, store)).toBeNull();
			const { passwordHash } = (await findModeratorForSignIn('bob', store))!;
			expect(await verifyPassword(passwordHash, NEW_PASSWORD)).toBe(true);
			expect(await verifyPassword(passwordHash, PASSWORD)).toBe(false);
		});

		it('refuses a weak password and changes nothing, and refuses unknown names', async () => {
			const { id } = await addModerator({ username: 'bob', password: PASSWORD }, store);
			const { token } = await startModeratorSession(id, { secondFactorVerified: false }, store);
			const before = await passwordHashOf(store, 'bob');
			expect(await failureCode(resetModeratorPassword('bob', 'bob-bob-bob-bob', store))).toBe(
				'weak-password',
			);
			expect(await passwordHashOf(store, 'bob')).toBe(before);
			expect(await validateModeratorSession(token, store)).not.toBeNull();
			expect(await failureCode(resetModeratorPassword('nobody', NEW_PASSWORD, store))).toBe(
				'not-found',
			);
			expect((await events(store)).map((event) => event.action)).toEqual(['moderator-added']);
		});
	});

	describe('the audit trail', () => {
		it('records adding, disabling and resetting, and never the password', async () => {
			// A second apart, so the trail's order is its times' order (its ids are random).
			vi.useFakeTimers({ toFake: ['Date'] });
			let second = 0;
			const tick = () => vi.setSystemTime(new Date(Date.UTC(2026, 2, 10, 9, 0, (second += 1))));
			tick();
			await addModerator({ username: 'admin', password: PASSWORD, isAdmin: true }, store);
			tick();
			await addModerator({ username: 'bob', password: PASSWORD }, store);
			tick();
			await resetModeratorPassword('bob', NEW_PASSWORD, store);
			tick();
			await disableModerator('bob', {}, store);
			vi.useRealTimers();

			const trail = await events(store);
			expect(
				trail.map(({ action, moderatorId, detail }) => ({ action, moderatorId, detail })),
			).toEqual([
				{
					action: 'moderator-added',
					moderatorId: null,
					detail: { username: 'admin', isAdmin: true },
				},
				{
					action: 'moderator-added',
					moderatorId: null,
					detail: { username: 'bob', isAdmin: false },
				},
				{ action: 'moderator-password-reset', moderatorId: null, detail: { username: 'bob' } },
				{ action: 'moderator-disabled', moderatorId: null, detail: { username: 'bob' } },
			]);
			for (const event of trail) expect(event.createdAt).toBeInstanceOf(Date);

			const serialized = JSON.stringify(trail);
			expect(serialized).not.toContain(PASSWORD);
			expect(serialized).not.toContain(NEW_PASSWORD);
			expect(serialized).not.toContain('$argon2');
		});

		it("numbers account events at random, so their ids do not date a writer's day-stamped event", async () => {
			// A writer's event carries only its day; an id just after it would say it came first.
			await store.transact((scope) =>
				appendAuditEvent(
					scope,
					{ action: 'withdrawn', detail: { bySubmitter: true } },
					startOfUtcDay(new Date()),
				),
			);
			const [writerEvent] = await events(store);
			await addModerator({ username: 'bob', password: PASSWORD }, store);
			await resetModeratorPassword('bob', NEW_PASSWORD, store);
			await disableModerator('bob', {}, store);
			const accountIds = (await events(store))
				.filter((event) => event.action.startsWith('moderator-'))
				.map((event) => event.id);
			expect(accountIds).toHaveLength(3);
			for (const offset of [1, 2, 3]) expect(accountIds).not.toContain(writerEvent!.id + offset);
		});
	});
});

describe('the SQLite file', () => {
	it('keeps no password, as typed, after adding and resetting', async () => {
		const temp = testStores.tempDatabase();
		const store = testStores.closeAfterTest(sqliteStore(temp.database));
		await addModerator({ username: 'bob', password: PASSWORD }, store);
		await resetModeratorPassword('bob', NEW_PASSWORD, store);
		temp.database.$client.pragma('wal_checkpoint(TRUNCATE)');
		const file = readFileSync(temp.path).toString('latin1');
		expect(file).not.toContain(PASSWORD);
		expect(file).not.toContain(NEW_PASSWORD);
	});
});
