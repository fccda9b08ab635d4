import { count, eq } from 'drizzle-orm';
import { inject } from 'vitest';
import type { Store } from '../../db/store.ts';
import { openServerStore } from './server.ts';

/**
 * What tests read and write behind a test server's back, on either engine: queries go
 * through a store (awaited, never SQLite's `.get()`, `.all()`, `.run()`), on the tables
 * its scope hands over.
 */

/** A store on the shared test server's database (server-setup.ts); close it after the file. */
export function openSharedServerStore(): Store {
	return openServerStore({
		databasePath: inject('databasePath'),
		databaseUrl: inject('databaseUrl'),
	});
}

/** The stored row of the story with this title or id, if there is one. */
export async function storedSubmission(store: Store, where: { title: string } | { id: string }) {
	const [row] = await store.read(({ query, tables: { submissions } }) =>
		query
			.select()
			.from(submissions)
			.where('id' in where ? eq(submissions.id, where.id) : eq(submissions.title, where.title)),
	);
	return row;
}

/** The audit events of one story or of one moderator, in the order they were appended. */
export function storedAuditEvents(
	store: Store,
	of: { submissionId: string } | { moderatorId: string },
) {
	return store.read(({ query, tables: { moderationEvents } }) =>
		query
			.select()
			.from(moderationEvents)
			.where(
				'submissionId' in of
					? eq(moderationEvents.submissionId, of.submissionId)
					: eq(moderationEvents.moderatorId, of.moderatorId),
			)
			.orderBy(moderationEvents.id),
	);
}

/** How many stories are stored, in any state. */
export async function storedStoryCount(store: Store): Promise<number> {
	const [row] = await store.read(({ query, tables: { submissions } }) =>
		query.select({ total: count() }).from(submissions),
	);
	return row!.total;
}
