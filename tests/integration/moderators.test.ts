import { readFileSync } from 'node:fs';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { moderationEvents, moderators, sessions } from '../../db/schema.ts';
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
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

const PASSWORD = 'violet harbor lantern';
const NEW_PASSWORD = 'quiet morning kettle';

let temp: TempDatabase;
beforeEach(() => (temp = createTempDatabase()));
afterEach(() => temp.remove());

/** The `ModeratorError` code a call fails with (the test fails if it does not). */
async function failureCode(promise: Promise<unknown>): Promise<string> {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason,
	);
	expect(error).toBeInstanceOf(ModeratorError);
	return (error as ModeratorError).code;
}

const events = () => temp.database.select().from(moderationEvents).all();
const sessionCount = (moderatorId: string) =>
	temp.database.select().from(sessions).where(eq(sessions.userId, moderatorId)).all().length;

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

describe('addModerator and listModerators', () => {
	it('adds moderators with lower-cased names and lists them by name', async () => {
		const { id } = await addModerator(
			{ username: ' Zoe ', password: PASSWORD, isAdmin: true },
			temp.database,
		);
		await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		const listed = await listModerators(temp.database);
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
		expect(await countActiveModerators(temp.database)).toBe(2);
	});

	it('stores an argon2id hash that verifies, and finds the account for sign-in in any case', async () => {
		const { id } = await addModerator({ username: 'alice', password: PASSWORD }, temp.database);
		const account = await findModeratorForSignIn('  ALICE ', temp.database);
		expect(account).toMatchObject({
			id,
			username: 'alice',
			disabled: false,
			hasSecondFactor: false,
			isAdmin: false,
		});
		expect(account!.passwordHash).toMatch(/^\$argon2id\$/);
		expect(await verifyPassword(account!.passwordHash, PASSWORD)).toBe(true);
		expect(await findModeratorForSignIn('nobody', temp.database)).toBeNull();
	});

	it('refuses a name that is taken in any case', async () => {
		await addModerator({ username: 'alice', password: PASSWORD }, temp.database);
		expect(
			await failureCode(addModerator({ username: 'ALICE', password: PASSWORD }, temp.database)),
		).toBe('duplicate-username');
		expect(await listModerators(temp.database)).toHaveLength(1);
	});

	it.each(['ab', 'alice smith', '.alice', 'x'.repeat(40)])(
		'refuses the invalid name %j',
		async (username) => {
			expect(await failureCode(addModerator({ username, password: PASSWORD }, temp.database))).toBe(
				'invalid-username',
			);
			expect(await listModerators(temp.database)).toEqual([]);
		},
	);

	it.each(['short', 'password1234', 'alice-the-moderator', 'aaaaaaaaaaaaaaaa'])(
		'refuses the weak password %j and stores nothing',
		async (password) => {
			expect(await failureCode(addModerator({ username: 'alice', password }, temp.database))).toBe(
				'weak-password',
			);
			expect(await listModerators(temp.database)).toEqual([]);
			expect(events()).toEqual([]);
		},
	);
});

describe('disableModerator', () => {
	it('disables the account and ends every session of theirs at once', async () => {
		await addModerator({ username: 'admin', password: PASSWORD, isAdmin: true }, temp.database);
		const { id } = await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		const first = await startModeratorSession(id, { secondFactorVerified: false }, temp.database);
		await startModeratorSession(id, { secondFactorVerified: false }, temp.database);
		expect(await validateModeratorSession(first.token, temp.database)).not.toBeNull();
		expect(sessionCount(id)).toBe(2);

		await disableModerator('Bob', {}, temp.database);

		expect(sessionCount(id)).toBe(0);
		expect(await validateModeratorSession(first.token, temp.database)).toBeNull();
		expect((await findModeratorForSignIn('bob', temp.database))!.disabled).toBe(true);
		expect((await listModerators(temp.database)).find((row) => row.id === id)!.disabled).toBe(true);
		expect(await countActiveModerators(temp.database)).toBe(1);
	});

	it('says so when the account is already disabled, or unknown', async () => {
		await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		await disableModerator('bob', {}, temp.database);
		expect(await failureCode(disableModerator('bob', {}, temp.database))).toBe('already-disabled');
		expect(await failureCode(disableModerator('nobody', {}, temp.database))).toBe('not-found');
	});

	it('refuses to disable the last active admin, but allows it once there is another', async () => {
		const { id } = await addModerator(
			{ username: 'admin', password: PASSWORD, isAdmin: true },
			temp.database,
		);
		await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		const session = await startModeratorSession(id, { secondFactorVerified: false }, temp.database);
		expect(await failureCode(disableModerator('admin', {}, temp.database))).toBe('last-admin');
		expect((await findModeratorForSignIn('admin', temp.database))!.disabled).toBe(false);
		expect(await validateModeratorSession(session.token, temp.database)).not.toBeNull();

		const other = await addModerator(
			{ username: 'second-admin', password: PASSWORD, isAdmin: true },
			temp.database,
		);
		await disableModerator('admin', { byModeratorId: other.id }, temp.database);
		expect((await findModeratorForSignIn('admin', temp.database))!.disabled).toBe(true);
		expect(events().filter((event) => event.action === 'moderator-disabled')).toMatchObject([
			{ action: 'moderator-disabled', moderatorId: other.id },
		]);
		// A disabled admin does not count: the remaining one is now the last.
		expect(await failureCode(disableModerator('second-admin', {}, temp.database))).toBe(
			'last-admin',
		);
	});
});

describe('resetModeratorPassword', () => {
	it('sets a new password and ends every session of theirs', async () => {
		const { id } = await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		const { token } = await startModeratorSession(
			id,
			{ secondFactorVerified: false },
			temp.database,
		);

		await resetModeratorPassword('BOB', NEW_PASSWORD, temp.database);

		expect(sessionCount(id)).toBe(0);
		expect(await validateModeratorSession(token, temp.database)).toBeNull();
		const { passwordHash } = (await findModeratorForSignIn('bob', temp.database))!;
		expect(await verifyPassword(passwordHash, NEW_PASSWORD)).toBe(true);
		expect(await verifyPassword(passwordHash, PASSWORD)).toBe(false);
	});

	it('refuses a weak password and changes nothing, and refuses unknown names', async () => {
		const { id } = await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		const { token } = await startModeratorSession(
			id,
			{ secondFactorVerified: false },
			temp.database,
		);
		const before = temp.database.select().from(moderators).get()!.passwordHash;
		expect(await failureCode(resetModeratorPassword('bob', 'bob-bob-bob-bob', temp.database))).toBe(
			'weak-password',
		);
		expect(temp.database.select().from(moderators).get()!.passwordHash).toBe(before);
		expect(await validateModeratorSession(token, temp.database)).not.toBeNull();
		expect(await failureCode(resetModeratorPassword('nobody', NEW_PASSWORD, temp.database))).toBe(
			'not-found',
		);
		expect(events().map((event) => event.action)).toEqual(['moderator-added']);
	});
});

describe('the audit trail', () => {
	it('records adding, disabling and resetting, and never the password', async () => {
		// A second apart, so the trail's order is its times' order (its ids are random).
		vi.useFakeTimers({ toFake: ['Date'] });
		let second = 0;
		const tick = () => vi.setSystemTime(new Date(Date.UTC(2026, 2, 10, 9, 0, (second += 1))));
		tick();
		await addModerator({ username: 'admin', password: PASSWORD, isAdmin: true }, temp.database);
		tick();
		await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		tick();
		await resetModeratorPassword('bob', NEW_PASSWORD, temp.database);
		tick();
		await disableModerator('bob', {}, temp.database);
		vi.useRealTimers();

		const trail = temp.database
			.select()
			.from(moderationEvents)
			.orderBy(asc(moderationEvents.createdAt))
			.all();
		expect(
			trail.map(({ action, moderatorId, detail }) => ({ action, moderatorId, detail })),
		).toEqual([
			{
				action: 'moderator-added',
				moderatorId: null,
				detail: { username: 'admin', isAdmin: true },
			},
			{ action: 'moderator-added', moderatorId: null, detail: { username: 'bob', isAdmin: false } },
			{ action: 'moderator-password-reset', moderatorId: null, detail: { username: 'bob' } },
			{ action: 'moderator-disabled', moderatorId: null, detail: { username: 'bob' } },
		]);
		for (const event of trail) expect(event.createdAt).toBeInstanceOf(Date);

		const serialized = JSON.stringify(trail);
		expect(serialized).not.toContain(PASSWORD);
		expect(serialized).not.toContain(NEW_PASSWORD);
		expect(serialized).not.toContain('$argon2');
		temp.database.$client.pragma('wal_checkpoint(TRUNCATE)');
		const file = readFileSync(temp.path).toString('latin1');
		expect(file).not.toContain(PASSWORD);
		expect(file).not.toContain(NEW_PASSWORD);
	});

	it("numbers account events at random, so their ids do not date a writer's day-stamped event", async () => {
		// A writer's event carries only its day; an id just after it would say it came first.
		appendAuditEvent(
			temp.database,
			{ action: 'withdrawn', detail: { bySubmitter: true } },
			startOfUtcDay(new Date()),
		);
		const [writerEvent] = events();
		await addModerator({ username: 'bob', password: PASSWORD }, temp.database);
		await resetModeratorPassword('bob', NEW_PASSWORD, temp.database);
		await disableModerator('bob', {}, temp.database);
		const accountIds = events()
			.filter((event) => event.action.startsWith('moderator-'))
			.map((event) => event.id);
		expect(accountIds).toHaveLength(3);
		for (const offset of [1, 2, 3]) expect(accountIds).not.toContain(writerEvent!.id + offset);
	});
});
