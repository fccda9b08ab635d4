import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moderationEvents } from '../../db/schema.ts';
import { addModerator } from '../../src/lib/server/moderators.ts';
import {
	isSecondFactorRequired,
	setSecondFactorRequired,
} from '../../src/lib/server/site-settings.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.ts';

let temp: TempDatabase;
let admin: string;
beforeEach(async () => {
	temp = createTempDatabase();
	admin = (
		await addModerator(
			{ username: 'admin', password: 'violet harbor lantern', isAdmin: true },
			temp.database,
		)
	).id;
});
afterEach(() => temp.remove());

const requirementEvents = () =>
	temp.database
		.select()
		.from(moderationEvents)
		.where(eq(moderationEvents.moderatorId, admin))
		.all()
		.map((event) => event.action);

describe('setSecondFactorRequired', () => {
	it('is off until an admin turns it on, and each change is audited with who made it', async () => {
		expect(await isSecondFactorRequired(temp.database)).toBe(false);
		await setSecondFactorRequired(true, admin, temp.database);
		expect(await isSecondFactorRequired(temp.database)).toBe(true);
		await setSecondFactorRequired(false, admin, temp.database);
		expect(await isSecondFactorRequired(temp.database)).toBe(false);
		expect(requirementEvents().toSorted()).toEqual([
			'second-factor-optional',
			'second-factor-required',
		]);
	});

	it('changes nothing when its audit row cannot be written', async () => {
		// No such moderator: the audit row breaks its foreign key, so the setting must not move.
		await expect(setSecondFactorRequired(true, 'no-such-admin', temp.database)).rejects.toThrow(
			/FOREIGN KEY/,
		);
		expect(await isSecondFactorRequired(temp.database)).toBe(false);
		expect(requirementEvents()).toEqual([]);
	});
});
