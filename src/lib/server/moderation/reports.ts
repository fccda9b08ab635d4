/** Moderators' side of reader reports: marking them handled. */
import { and, eq, isNull } from 'drizzle-orm';
import { getStore, type Store } from '../../../../db/store.ts';
import { appendAuditEvent } from '../audit.ts';
import { eraseFromDisk } from '../erasure.ts';

/** Marks every open report on a story as handled, with what was done, erasing their notes; audited. */
export async function resolveReports(
	id: string,
	moderatorId: string,
	resolution: string,
	store: Store = getStore(),
	now = new Date(),
): Promise<number> {
	const resolved = await store.transact(async (scope) => {
		const { reports } = scope.tables;
		const open = await scope.query
			.select({ id: reports.id })
			.from(reports)
			.where(and(eq(reports.submissionId, id), isNull(reports.resolvedAt)));
		if (open.length === 0) return 0;
		await scope.query
			.update(reports)
			// Privacy: a reader's note is only for the moderator who handles the report.
			.set({ resolvedAt: now, resolvedBy: moderatorId, resolution, note: null })
			.where(and(eq(reports.submissionId, id), isNull(reports.resolvedAt)));
		await appendAuditEvent(
			scope,
			{
				moderatorId,
				submissionId: id,
				action: 'reports-resolved',
				reason: resolution,
				detail: { reports: open.length },
			},
			now,
		);
		return open.length;
	});
	if (resolved > 0) await eraseFromDisk(store);
	return resolved;
}
