/**
 * lucia's session storage over the store, so moderator sessions work on either engine.
 * lucia's own PostgreSQL adapter wants `expires_at timestamptz`; ours keeps whole epoch
 * seconds on both engines (db/schema-pg.ts: no finer times than the privacy model needs),
 * so this adapter reads and writes that shape through the store instead.
 *
 * It behaves as @lucia-auth/adapter-drizzle's DrizzleSQLiteAdapter does on the same tables:
 * every column but `id`, `userId` and `expiresAt` reaches lucia as an attribute, under its
 * schema name, so session.ts's attribute getters read the same values on both engines.
 */
import { eq, lte } from 'drizzle-orm';
import type { Adapter, DatabaseSession, DatabaseUser } from 'lucia';
import type { Store } from '../../../db/store.ts';
import type { Tables } from '../../../db/tables.ts';

type SessionRow = Tables['sessions']['$inferSelect'];
type SessionInsert = Tables['sessions']['$inferInsert'];
type ModeratorRow = Tables['moderators']['$inferSelect'];

const toEpochSeconds = (moment: Date) => Math.floor(moment.getTime() / 1000);

function toDatabaseSession({ id, userId, expiresAt, ...attributes }: SessionRow): DatabaseSession {
	return { id, userId, expiresAt: new Date(expiresAt * 1000), attributes };
}

function toDatabaseUser({ id, ...attributes }: ModeratorRow): DatabaseUser {
	return { id, attributes };
}

/**
 * lucia's `Adapter` on `store`: reads in `store.read`, each write in a transaction of its own.
 * A session whose moderator is gone comes back as `[session, null]` (lucia then deletes it),
 * an unknown one as `[null, null]`; expired sessions are returned too, as lucia decides expiry.
 */
export function createSessionAdapter(store: Store): Adapter {
	return {
		async getSessionAndUser(sessionId) {
			const [row] = await store.read(async ({ query, tables }) =>
				query
					.select({ session: tables.sessions, moderator: tables.moderators })
					.from(tables.sessions)
					.leftJoin(tables.moderators, eq(tables.moderators.id, tables.sessions.userId))
					.where(eq(tables.sessions.id, sessionId)),
			);
			if (!row) return [null, null];
			return [toDatabaseSession(row.session), row.moderator && toDatabaseUser(row.moderator)];
		},

		async getUserSessions(userId) {
			const rows = await store.read(async ({ query, tables }) =>
				query.select().from(tables.sessions).where(eq(tables.sessions.userId, userId)),
			);
			return rows.map(toDatabaseSession);
		},

		async setSession({ id, userId, expiresAt, attributes }) {
			await store.transact(async ({ query, tables }) => {
				await query.insert(tables.sessions).values({
					id,
					userId,
					expiresAt: toEpochSeconds(expiresAt),
					// lucia's attribute types also admit the numbers SQLite once returned; session.ts
					// passes Dates and booleans, which is what the columns take.
					...(attributes as Partial<SessionInsert>),
				});
			});
		},

		async updateSessionExpiration(sessionId, expiresAt) {
			await store.transact(async ({ query, tables }) => {
				await query
					.update(tables.sessions)
					.set({ expiresAt: toEpochSeconds(expiresAt) })
					.where(eq(tables.sessions.id, sessionId));
			});
		},

		async deleteSession(sessionId) {
			await store.transact(async ({ query, tables }) => {
				await query.delete(tables.sessions).where(eq(tables.sessions.id, sessionId));
			});
		},

		async deleteUserSessions(userId) {
			await store.transact(async ({ query, tables }) => {
				await query.delete(tables.sessions).where(eq(tables.sessions.userId, userId));
			});
		},

		async deleteExpiredSessions() {
			const now = toEpochSeconds(new Date());
			await store.transact(async ({ query, tables }) => {
				await query.delete(tables.sessions).where(lte(tables.sessions.expiresAt, now));
			});
		},
	};
}
