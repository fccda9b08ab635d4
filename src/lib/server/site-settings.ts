import { eq } from 'drizzle-orm';
import { getDatabase, type Database } from '../../../db/client.ts';
import { siteSettings } from '../../../db/schema.ts';
import { appendAuditEvent } from './audit.ts';

const REQUIRE_SECOND_FACTOR = 'require-second-factor';

/** Whether admins require every moderator to use a second factor. */
export async function isSecondFactorRequired(database: Database = getDatabase()): Promise<boolean> {
	const row = database
		.select()
		.from(siteSettings)
		.where(eq(siteSettings.name, REQUIRE_SECOND_FACTOR))
		.get();
	return row?.value === 'true';
}

/** Turns the site-wide second-factor requirement on or off, audited in the same transaction. */
export async function setSecondFactorRequired(
	required: boolean,
	byModeratorId: string,
	database: Database = getDatabase(),
): Promise<void> {
	database.transaction(
		(transaction) => {
			transaction
				.insert(siteSettings)
				.values({ name: REQUIRE_SECOND_FACTOR, value: String(required) })
				.onConflictDoUpdate({ target: siteSettings.name, set: { value: String(required) } })
				.run();
			appendAuditEvent(transaction, {
				moderatorId: byModeratorId,
				action: required ? 'second-factor-required' : 'second-factor-optional',
			});
		},
		{ behavior: 'immediate' },
	);
}
