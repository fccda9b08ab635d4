import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../db/store.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import {
	isSecondFactorRequired,
	setSecondFactorRequired,
} from '../../src/lib/server/site-settings.ts';
import { isForeignKeyViolation } from '../helpers/database-errors.ts';
import { useTestStores } from '../helpers/stores.ts';

const testStores = useTestStores();

describe.each(['sqlite', 'postgres'] as const)('setSecondFactorRequired on %s', (engine) => {
	let store: Store;
	let admin: string;
	beforeEach(async () => {
		store = await testStores.freshStore(engine);
		admin = (
			await addModerator(
				{ username: 'admin', password: 'violet harbor lantern', isAdmin: true },
				store,
			)
		).id;
	});

	const requirementEvents = async () =>
		(
			await store.read(({ query, tables: { moderationEvents } }) =>
				query.select().from(moderationEvents).where(eq(moderationEvents.moderatorId, admin)),
			)
		).map((event) => event.action);

	it('is off until an admin turns it on, and each change is audited with who made it', async () => {
		expect(await isSecondFactorRequired(store)).toBe(false);
		await setSecondFactorRequired(true, admin, store);
		expect(await isSecondFactorRequired(store)).toBe(true);
		await setSecondFactorRequired(false, admin, store);
		expect(await isSecondFactorRequired(store)).toBe(false);
		expect((await requirementEvents()).toSorted()).toEqual([
			'second-factor-optional',
			'second-factor-required',
		]);
	});

	it('changes nothing when its audit row cannot be written', async () => {
		// No such moderator: the audit row breaks its foreign key, so the setting must not move.
		await expect(setSecondFactorRequired(true, 'no-such-admin', store)).rejects.toSatisfy(
			isForeignKeyViolation,
		);
		expect(await isSecondFactorRequired(store)).toBe(false);
		expect(await requirementEvents()).toEqual([]);
	});
});
