import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { getStore, type Scope, type Store } from '../../../db/store.ts';
import { randomRowId } from './row-ids.ts';

const TEXT_FIELDS = ['title', 'body', 'penName'] as const;
type TextFields = Record<(typeof TEXT_FIELDS)[number], string | null>;

/**
 * For the audit trail: which of a story's texts an edit changed, and nothing of the text.
 * Privacy: the audit is append-only and outlives withdrawal, so it must not hold anything
 * that confirms a guessed text; an unkeyed hash of title and body did exactly that.
 */
export function changedTextFields(before: TextFields, after: TextFields): string[] {
	return TEXT_FIELDS.filter((field) => before[field] !== after[field]);
}

export interface AuditEventInput {
	moderatorId?: string | null;
	submissionId?: string | null;
	action: string;
	reason?: string | null;
	detail?: Record<string, unknown> | null;
}

/**
 * Appends one row to the audit trail, inside whatever transaction `queryable` is. Events
 * caused by writers and readers pass the start of their day as `at`: see row-ids.ts.
 */
export async function appendAuditEvent(
	{ query, tables: { moderationEvents } }: Scope,
	event: AuditEventInput,
	at = new Date(),
): Promise<void> {
	await query.insert(moderationEvents).values({
		id: randomRowId(),
		moderatorId: event.moderatorId ?? null,
		submissionId: event.submissionId ?? null,
		action: event.action,
		reason: event.reason ?? null,
		detail: event.detail ?? null,
		createdAt: at,
	});
}

export interface AuditFilters {
	action?: string;
	moderatorId?: string;
	submissionId?: string;
}

const AUDIT_PAGE_SIZE = 50;

/**
 * One page of the audit trail, newest first, with the acting moderator's name. Ties (a
 * writer's events all sit at the start of their day) fall in random-id order.
 */
export async function listAuditEvents(
	filters: AuditFilters,
	page: number,
	store: Store = getStore(),
) {
	return store.read(async ({ query, tables: { moderationEvents, moderators } }) => {
		const conditions: SQL[] = [];
		if (filters.action) conditions.push(eq(moderationEvents.action, filters.action));
		if (filters.moderatorId) conditions.push(eq(moderationEvents.moderatorId, filters.moderatorId));
		if (filters.submissionId)
			conditions.push(eq(moderationEvents.submissionId, filters.submissionId));
		const where = conditions.length ? and(...conditions) : undefined;
		const [{ total }] = (await query
			.select({ total: count() })
			.from(moderationEvents)
			.where(where)) as [{ total: number }];
		const events = await query
			.select({
				id: moderationEvents.id,
				action: moderationEvents.action,
				reason: moderationEvents.reason,
				detail: moderationEvents.detail,
				createdAt: moderationEvents.createdAt,
				submissionId: moderationEvents.submissionId,
				moderatorId: moderationEvents.moderatorId,
				moderatorUsername: moderators.username,
			})
			.from(moderationEvents)
			.leftJoin(moderators, eq(moderators.id, moderationEvents.moderatorId))
			.where(where)
			.orderBy(desc(moderationEvents.createdAt), desc(moderationEvents.id))
			.limit(AUDIT_PAGE_SIZE)
			.offset((page - 1) * AUDIT_PAGE_SIZE);
		return { events, total, totalPages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)) };
	});
}

/** The distinct actions recorded so far, for the audit filter. */
export async function listAuditActions(store: Store = getStore()): Promise<string[]> {
	const rows = await store.read(({ query, tables: { moderationEvents } }) =>
		query
			.selectDistinct({ action: moderationEvents.action })
			.from(moderationEvents)
			.orderBy(moderationEvents.action),
	);
	return rows.map(({ action }) => action);
}
