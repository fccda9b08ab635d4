/**
 * Moderator sessions. Everything that knows about lucia lives in this file and its storage,
 * session-adapter.ts, so replacing it (lucia's maintainers now recommend a single-file
 * session recipe) changes nothing else.
 *
 * Readers and writers never get a session or a cookie; only a signed-in moderator does.
 */
import { DrizzleSQLiteAdapter } from '@lucia-auth/adapter-drizzle';
import { eq, sql } from 'drizzle-orm';
import { Lucia, TimeSpan, type Adapter } from 'lucia';
import { getDatabase, type Database, type Queryable } from '../../../db/client.ts';
import { moderators, sessions } from '../../../db/schema.ts';

export const SESSION_COOKIE_NAME = 'ct_moderator_session';
/** A session ends after 12 hours without use… */
const SESSION_IDLE_HOURS = 12;
/** …and 7 days after sign-in, however busy. */
const SESSION_ABSOLUTE_DAYS = 7;

/** lucia as the site configures it, over any session storage (the store's comes next, issue 14). */
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

const instances = new WeakMap<Database, ReturnType<typeof createLucia>>();
function luciaFor(database: Database) {
	let lucia = instances.get(database);
	if (!lucia) {
		lucia = createLucia(new DrizzleSQLiteAdapter(database, sessions, moderators));
		instances.set(database, lucia);
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
	database: Database = getDatabase(),
): Promise<{ token: string; expiresAt: Date }> {
	const session = await luciaFor(database).createSession(moderatorId, {
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
	database: Database = getDatabase(),
	now = new Date(),
): Promise<{ moderator: ModeratorIdentity; session: ModeratorSession } | null> {
	const lucia = luciaFor(database);
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
export function isSessionOf(sessionId: string, moderatorId: string, database: Queryable): boolean {
	const row = database
		.select({ userId: sessions.userId })
		.from(sessions)
		.where(eq(sessions.id, sessionId))
		.get();
	return row?.userId === moderatorId;
}

/** Records that this session has passed the second factor (inside the caller's transaction). */
export function markSecondFactorVerified(sessionId: string, database: Queryable): void {
	database
		.update(sessions)
		.set({ secondFactorVerified: true })
		.where(eq(sessions.id, sessionId))
		.run();
}

/**
 * Counts one wrong second-factor code against a session and returns how many it has had
 * (0 when the session is gone). Kept in the database, so every server process sees one count.
 */
export function countWrongSecondFactorCode(sessionId: string, database: Queryable): number {
	const row = database
		.update(sessions)
		.set({ secondFactorFailures: sql`${sessions.secondFactorFailures} + 1` })
		.where(eq(sessions.id, sessionId))
		.returning({ failures: sessions.secondFactorFailures })
		.get();
	return row?.failures ?? 0;
}

/** Ends one session inside the caller's transaction (lucia's own call cannot run in one). */
export function endSessionNow(sessionId: string, database: Queryable): void {
	database.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

/** Ends every session of a moderator at once (disable, password reset). */
export async function endModeratorSessions(
	moderatorId: string,
	database: Database = getDatabase(),
): Promise<void> {
	await luciaFor(database).invalidateUserSessions(moderatorId);
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
