/** Moderators' side of reader reports: marking them handled. */
import { and, eq, isNull } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../../db/client.ts';
import { reports } from '../../../../db/schema.ts';
import { appendAuditEvent } from '../audit.ts';
import { eraseFromDisk } from '../erasure.ts';

/** Marks every open report on a story as handled, with what was done, erasing their notes; audited. */
export async function resolveReports(
	id: string,
	moderatorId: string,
	resolution: string,
	database: Database = getDatabase(),
	now = new Date(),
): Promise<number> {
	const resolved = database.transaction(
		(transaction) => {
			const open = transaction
				.select({ id: reports.id })
				.from(reports)
				.where(and(eq(reports.submissionId, id), isNull(reports.resolvedAt)))
				.all();
			if (open.length === 0) return 0;
			transaction
				.update(reports)
				// Privacy: a reader's note is only for the moderator who handles the report.
				.set({ resolvedAt: now, resolvedBy: moderatorId, resolution, note: null })
				.where(and(eq(reports.submissionId, id), isNull(reports.resolvedAt)))
				.run();
			appendAuditEvent(
				transaction,
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
		},
		{ behavior: 'immediate' },
	);
	if (resolved > 0) eraseFromDisk(database);
	return resolved;
}
