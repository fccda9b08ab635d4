import { DrizzleSQLiteAdapter } from '@lucia-auth/adapter-drizzle';
import type { Adapter } from 'lucia';
import { describe, expect, it } from 'vitest';
import { moderators, sessions } from '../../db/schema.ts';
import { createSessionAdapter } from '../../src/lib/server/session-adapter.ts';
import { createLucia } from '../../src/lib/server/session.ts';
import { useTestStores } from '../helpers/stores.ts';

const testStores = useTestStores();

/** Whole seconds, as both engines store moments: what goes in comes back equal. */
const SIGNED_UP = new Date('2025-03-01T09:30:00Z');
const SIGNED_IN = new Date('2025-06-01T08:00:00Z');

const RIVER = {
	id: 'moderator-river',
	username: 'river',
	passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
	isAdmin: true,
	disabledAt: null,
	createdAt: SIGNED_UP,
	totpKey: 'a2V5LWZvci10ZXN0cw==',
	recoveryCodeHashes: ['first-hash', 'second-hash'],
	totpLastUsedStep: 58_000_000,
	secondFactorFailures: 1,
	secondFactorPausedUntil: null,
};
const MEADOW = {
	...RIVER,
	id: 'moderator-meadow',
	username: 'meadow',
	isAdmin: false,
	disabledAt: new Date('2025-05-01T00:00:00Z'),
	totpKey: null,
	recoveryCodeHashes: null,
	totpLastUsedStep: null,
	secondFactorFailures: 0,
};

const SESSION_ATTRIBUTES = { createdAt: SIGNED_IN, secondFactorVerified: false };
const HOUR = 60 * 60 * 1000;

/** `moment` as the adapters give it back: whole seconds, like the column. */
const toWholeSeconds = (moment: Date) => new Date(Math.floor(moment.getTime() / 1000) * 1000);

const sortById = <Row extends { id: string }>(rows: Row[]) =>
	rows.toSorted((a, b) => a.id.localeCompare(b.id));

/** The store adapter on a fresh database of `engine` holding both moderators. */
async function storeAdapter(engine: 'sqlite' | 'postgres'): Promise<Adapter> {
	const store = await testStores.freshStore(engine);
	await store.transact(async ({ query, tables }) => {
		await query.insert(tables.moderators).values([RIVER, MEADOW]);
	});
	return createSessionAdapter(store);
}

/** lucia's own drizzle adapter on a fresh SQLite file with the same moderators: the reference. */
async function referenceAdapter(): Promise<Adapter> {
	const temp = testStores.tempDatabase();
	await temp.database.insert(moderators).values([RIVER, MEADOW]);
	return new DrizzleSQLiteAdapter(temp.database, sessions, moderators);
}

describe.each(['sqlite', 'postgres'] as const)('the store session adapter on %s', (engine) => {
	it('validates a new session with the moderator and session attributes session.ts reads', async () => {
		const lucia = createLucia(await storeAdapter(engine));
		const created = await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		const { user, session } = await lucia.validateSession(created.id);
		expect(user).toEqual({
			id: RIVER.id,
			username: 'river',
			isAdmin: true,
			disabled: false,
			hasSecondFactor: true,
		});
		expect(session).toEqual({
			id: created.id,
			userId: RIVER.id,
			expiresAt: toWholeSeconds(created.expiresAt),
			fresh: false,
			createdAt: SIGNED_IN,
			secondFactorVerified: false,
		});
	});

	it('reads a disabled moderator without a second factor as such', async () => {
		const lucia = createLucia(await storeAdapter(engine));
		const created = await lucia.createSession(MEADOW.id, {
			createdAt: SIGNED_IN,
			secondFactorVerified: true,
		});
		const { user, session } = await lucia.validateSession(created.id);
		expect(user).toMatchObject({ isAdmin: false, disabled: true, hasSecondFactor: false });
		expect(session?.secondFactorVerified).toBe(true);
	});

	it('gives lucia what DrizzleSQLiteAdapter gives for the same sessions and calls', async () => {
		const adapters = [await storeAdapter(engine), await referenceAdapter()];
		const now = Date.now();
		const live = {
			id: 'session-live',
			userId: RIVER.id,
			expiresAt: new Date(now + 6 * HOUR + 123),
			attributes: SESSION_ATTRIBUTES,
		};
		const expired = { ...live, id: 'session-expired', expiresAt: new Date(now - HOUR) };
		const answers = await Promise.all(
			adapters.map(async (adapter) => {
				await adapter.setSession(live);
				await adapter.setSession(expired);
				const both = await adapter.getSessionAndUser(live.id);
				// Neither adapter orders a moderator's sessions: compared as sets.
				const ofRiver = sortById(await adapter.getUserSessions(RIVER.id));
				await adapter.updateSessionExpiration(live.id, new Date(now + 12 * HOUR + 456));
				const moved = await adapter.getSessionAndUser(live.id);
				const unknown = await adapter.getSessionAndUser('no-such-session');
				const ofMeadow = await adapter.getUserSessions(MEADOW.id);
				await adapter.deleteExpiredSessions();
				const afterCleanup = await adapter.getUserSessions(RIVER.id);
				return { both, ofRiver, moved, unknown, ofMeadow, afterCleanup };
			}),
		);
		const [ours, reference] = answers;
		expect(ours).toEqual(reference);
		// The reference is right too: a sanity check of what was compared.
		expect(ours!.both[0]).toEqual({
			...live,
			expiresAt: toWholeSeconds(live.expiresAt),
			attributes: { ...SESSION_ATTRIBUTES, secondFactorFailures: 0 },
		});
		const { id, ...riverAttributes } = RIVER;
		expect(ours!.both[1]).toEqual({ id, attributes: riverAttributes });
		expect(ours!.unknown).toEqual([null, null]);
		expect(ours!.ofMeadow).toEqual([]);
		expect(ours!.afterCleanup.map((session) => session.id)).toEqual([live.id]);
	});

	it('moves the expiry of a session used past half its idle time, and says it is fresh', async () => {
		const adapter = await storeAdapter(engine);
		const lucia = createLucia(adapter);
		const created = await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		// Five of its twelve idle hours left: less than half, so lucia extends it.
		await adapter.updateSessionExpiration(created.id, new Date(Date.now() + 5 * HOUR));
		const before = Date.now();
		const { session } = await lucia.validateSession(created.id);
		const after = Date.now();
		expect(session?.fresh).toBe(true);
		expect(session!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 12 * HOUR);
		expect(session!.expiresAt.getTime()).toBeLessThanOrEqual(after + 12 * HOUR);
		const [stored] = await adapter.getSessionAndUser(created.id);
		expect(stored?.expiresAt).toEqual(toWholeSeconds(session!.expiresAt));
		const again = await lucia.validateSession(created.id);
		expect(again.session?.fresh).toBe(false);
	});

	it('does not validate an expired session, and deletes it', async () => {
		const adapter = await storeAdapter(engine);
		const lucia = createLucia(adapter);
		const created = await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		await adapter.updateSessionExpiration(created.id, new Date(Date.now() - 1000));
		expect(await lucia.validateSession(created.id)).toEqual({ session: null, user: null });
		expect(await adapter.getSessionAndUser(created.id)).toEqual([null, null]);
	});

	it('invalidates one session and leaves the moderator’s others valid', async () => {
		const lucia = createLucia(await storeAdapter(engine));
		const ended = await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		const kept = await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		await lucia.invalidateSession(ended.id);
		expect((await lucia.validateSession(ended.id)).session).toBeNull();
		expect((await lucia.validateSession(kept.id)).session?.id).toBe(kept.id);
		expect((await lucia.getUserSessions(RIVER.id)).map((session) => session.id)).toEqual([kept.id]);
	});

	it('invalidates every session of one moderator and no other moderator’s', async () => {
		const lucia = createLucia(await storeAdapter(engine));
		await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		const other = await lucia.createSession(MEADOW.id, SESSION_ATTRIBUTES);
		await lucia.invalidateUserSessions(RIVER.id);
		expect(await lucia.getUserSessions(RIVER.id)).toEqual([]);
		expect((await lucia.validateSession(other.id)).session?.id).toBe(other.id);
	});

	it('deletes expired sessions and keeps live ones', async () => {
		const adapter = await storeAdapter(engine);
		const lucia = createLucia(adapter);
		const lapsed = await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		const live = await lucia.createSession(RIVER.id, SESSION_ATTRIBUTES);
		await adapter.updateSessionExpiration(lapsed.id, new Date(Date.now() - 1000));
		await lucia.deleteExpiredSessions();
		// The adapter itself returns expired sessions too (lucia filters them): none is left.
		expect((await adapter.getUserSessions(RIVER.id)).map((session) => session.id)).toEqual([
			live.id,
		]);
	});
});
