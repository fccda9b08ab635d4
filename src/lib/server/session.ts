/**
 * Moderator sessions. Everything that knows about lucia lives in this file and its storage,
 * session-adapter.ts, so replacing it (lucia's maintainers now recommend a single-file
 * session recipe) changes nothing else.
 *
 * Readers and writers never get a session or a cookie; only a signed-in moderator does.
 */
import { eq, sql } from 'drizzle-orm';
import { Lucia, TimeSpan, type Adapter } from 'lucia';
import { getStore, type Scope, type Store } from '../../../db/store.ts';
import { createSessionAdapter } from './session-adapter.ts';

export const SESSION_COOKIE_NAME = 'ct_moderator_session';
/** A session ends after 12 hours without use… */
const SESSION_IDLE_HOURS = 12;
/** …and 7 days after sign-in, however busy. */
const SESSION_ABSOLUTE_DAYS = 7;

/** lucia as the site configures it, over any session storage (the store's: session-adapter.ts). */
export function createLucia(adapter: Adapter) {
	return new Lucia(adapter, {
		sessionExpiresIn: new TimeSpan(SESSION_IDLE_HOURS, 'h'),
		sessionCookie: { name: SESSION_COOKIE_NAME },
		getUserAttributes: (attributes) => ({
			username: attributes.username,
			isAdmin: Boolean(attributes.isAdmin),
			disabled: attributes.disabledAt !== null,
			hasSecondFactor: attributes.totpKey !== null,
		}),
		getSessionAttributes: (attributes) => ({
			createdAt: new Date(attributes.createdAt),
			secondFactorVerified: Boolean(attributes.secondFactorVerified),
		}),
	});
}

declare module 'lucia' {
	interface Register {
		Lucia: ReturnType<typeof createLucia>;
		DatabaseUserAttributes: {
			username: string;
			isAdmin: boolean | number;
			disabledAt: Date | number | null;
			totpKey: string | null;
		};
		DatabaseSessionAttributes: { createdAt: Date | number; secondFactorVerified: boolean | number };
	}
}

const instances = new WeakMap<Store, ReturnType<typeof createLucia>>();
function luciaFor(store: Store) {
	let lucia = instances.get(store);
	if (!lucia) {
		lucia = createLucia(createSessionAdapter(store));
		instances.set(store, lucia);
	}
	return lucia;
}

/** Who is signed in, as every page and action sees it. */
export interface ModeratorIdentity {
	id: string;
	username: string;
	isAdmin: boolean;
	hasSecondFactor: boolean;
}

export interface ModeratorSession {
	id: string;
	expiresAt: Date;
	/** True when the expiry moved and the cookie must be sent again. */
	fresh: boolean;
	/** Whether this session passed the second factor (always true without one). */
	secondFactorVerified: boolean;
}

/** Starts a session; returns its token (the cookie's value) and when it would lapse. */
export async function startModeratorSession(
	moderatorId: string,
	options: { secondFactorVerified: boolean },
	store: Store = getStore(),
): Promise<{ token: string; expiresAt: Date }> {
	const session = await luciaFor(store).createSession(moderatorId, {
		createdAt: new Date(),
		secondFactorVerified: options.secondFactorVerified,
	});
	return { token: session.id, expiresAt: session.expiresAt };
}

/**
 * The moderator and session behind a cookie value, or `null` — and the session ended —
 * when it is unknown, idle too long, older than the absolute limit, or its moderator
 * has been disabled (disabling takes effect at the next request).
 */
export async function validateModeratorSession(
	token: string,
	store: Store = getStore(),
	now = new Date(),
): Promise<{ moderator: ModeratorIdentity; session: ModeratorSession } | null> {
	const lucia = luciaFor(store);
	const { session, user } = await lucia.validateSession(token);
	if (!session || !user) return null;
	const absoluteEnd = session.createdAt.getTime() + SESSION_ABSOLUTE_DAYS * 24 * 60 * 60 * 1000;
	if (user.disabled || now.getTime() >= absoluteEnd) {
		await lucia.invalidateSession(session.id);
		return null;
	}
	return {
		moderator: {
			id: user.id,
			username: user.username,
			isAdmin: user.isAdmin,
			hasSecondFactor: user.hasSecondFactor,
		},
		session: {
			id: session.id,
			expiresAt: session.expiresAt,
			fresh: session.fresh,
			secondFactorVerified: session.secondFactorVerified || !user.hasSecondFactor,
		},
	};
}

/** Whether `sessionId` is a live session of this moderator (inside the caller's transaction). */
export async function isSessionOf(
	{ query, tables: { sessions } }: Scope,
	sessionId: string,
	moderatorId: string,
): Promise<boolean> {
	const [row] = await query
		.select({ userId: sessions.userId })
		.from(sessions)
		.where(eq(sessions.id, sessionId))
		.limit(1);
	return row?.userId === moderatorId;
}

/** Records that this session has passed the second factor (inside the caller's transaction). */
export async function markSecondFactorVerified(
	{ query, tables: { sessions } }: Scope,
	sessionId: string,
): Promise<void> {
	await query
		.update(sessions)
		.set({ secondFactorVerified: true })
		.where(eq(sessions.id, sessionId));
}

/**
 * Counts one wrong second-factor code against a session and returns how many it has had
 * (0 when the session is gone). Kept in the database, so every server process sees one count.
 */
export async function countWrongSecondFactorCode(
	{ query, tables: { sessions } }: Scope,
	sessionId: string,
): Promise<number> {
	const [row] = await query
		.update(sessions)
		.set({ secondFactorFailures: sql`${sessions.secondFactorFailures} + 1` })
		.where(eq(sessions.id, sessionId))
		.returning({ failures: sessions.secondFactorFailures });
	return row?.failures ?? 0;
}

/** Ends one session inside the caller's transaction (lucia's own call runs in one of its own). */
export async function endSessionNow(
	{ query, tables: { sessions } }: Scope,
	sessionId: string,
): Promise<void> {
	await query.delete(sessions).where(eq(sessions.id, sessionId));
}

/**
 * Ends every session of a moderator inside the caller's transaction (disable, password
 * reset): with the change that calls for it, so no session outlives that change, even briefly.
 */
export async function endModeratorSessionsNow(
	{ query, tables: { sessions } }: Scope,
	moderatorId: string,
): Promise<void> {
	await query.delete(sessions).where(eq(sessions.userId, moderatorId));
}

/**
 * Cookie settings for the session cookie: HttpOnly and SameSite=Lax always, Secure except
 * on localhost (where browsers allow plain HTTP for development and tests).
 */
export function sessionCookieOptions(url: URL, expiresAt?: Date) {
	const localhost = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
	return {
		httpOnly: true,
		sameSite: 'lax' as const,
		secure: !localhost,
		path: '/',
		...(expiresAt ? { expires: expiresAt } : { maxAge: 0 }),
	};
}
