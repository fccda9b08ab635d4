import { eq } from 'drizzle-orm';
import { getStore, type Store } from '../../../db/store.ts';
import { appendAuditEvent } from './audit.ts';

const REQUIRE_SECOND_FACTOR = 'require-second-factor';

/** Whether admins require every moderator to use a second factor. */
export async function isSecondFactorRequired(store: Store = getStore()): Promise<boolean> {
	const [row] = await store.read(({ query, tables: { siteSettings } }) =>
		query.select().from(siteSettings).where(eq(siteSettings.name, REQUIRE_SECOND_FACTOR)).limit(1),
	);
	return row?.value === 'true';
}

/** Turns the site-wide second-factor requirement on or off, audited in the same transaction. */
export async function setSecondFactorRequired(
	required: boolean,
	byModeratorId: string,
	store: Store = getStore(),
): Promise<void> {
	await store.transact(async (scope) => {
		const { siteSettings } = scope.tables;
		await scope.query
			.insert(siteSettings)
			.values({ name: REQUIRE_SECOND_FACTOR, value: String(required) })
			.onConflictDoUpdate({ target: siteSettings.name, set: { value: String(required) } });
		await appendAuditEvent(scope, {
			moderatorId: byModeratorId,
			action: required ? 'second-factor-required' : 'second-factor-optional',
		});
	});
}
