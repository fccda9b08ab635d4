import { describe, expect, it, vi } from 'vitest';
import {
	addModerator,
	disableModerator,
	resetModeratorPassword,
} from '../../src/lib/server/moderators.ts';
import { validateModeratorSession } from '../../src/lib/server/session.ts';
import { signIn } from '../../src/lib/server/sign-in.ts';
import { useTestStores } from '../helpers/stores.ts';

/**
 * A sign-in checks a password for tens of milliseconds (argon2) against the row it read
 * first. These tests hold that check open, as a slow machine would, while an admin acts on
 * the account, then let it finish: the password checked must not outlast the admin's act.
 */
const passwordCheck = vi.hoisted(() => ({
	/** Set by a test: the next check waits for it, once it has said that it started. */
	held: null as null | { started: () => void; release: Promise<void> },
}));
vi.mock(import('../../src/lib/server/passwords.ts'), async (importOriginal) => {
	const passwords = await importOriginal();
	return {
		...passwords,
		async verifyPassword(passwordHash: string, password: string) {
			const valid = await passwords.verifyPassword(passwordHash, password);
			const held = passwordCheck.held;
			passwordCheck.held = null;
			if (held) {
				held.started();
				await held.release;
			}
			return valid;
		},
	};
});

/** Starts a sign-in and resolves once its password check is running; `finish` lets it end. */
async function signInHeldAtItsPasswordCheck(...args: Parameters<typeof signIn>) {
	let release = () => {};
	const started = new Promise<void>((resolve) => {
		passwordCheck.held = {
			started: resolve,
			release: new Promise<void>((resolveRelease) => (release = resolveRelease)),
		};
	});
	const result = signIn(...args);
	await started;
	return {
		finish: async () => {
			release();
			return result;
		},
	};
}

const testStores = useTestStores();
const OLD_PASSWORD = 'violet harbor lantern';
const NEW_PASSWORD = 'copper meadow whistle';

describe.each(['sqlite', 'postgres'] as const)('on %s', (engine) => {
	it('a password reset during a sign-in with the old password leaves no session', async () => {
		const store = await testStores.freshStore(engine);
		await addModerator({ username: 'sam', password: OLD_PASSWORD }, store);
		const signingIn = await signInHeldAtItsPasswordCheck('sam', OLD_PASSWORD, '192.0.2.1', store);
		await resetModeratorPassword('sam', NEW_PASSWORD, store);

		const result = await signingIn.finish();
		expect(result.outcome).toBe('refused');
		if (result.outcome === 'signed-in')
			expect(await validateModeratorSession(result.token, store)).toBeNull();
		// The new password works.
		expect((await signIn('sam', NEW_PASSWORD, '192.0.2.1', store)).outcome).toBe('signed-in');
	});

	it('disabling an account during its sign-in leaves no session', async () => {
		const store = await testStores.freshStore(engine);
		await addModerator({ username: 'admin', password: NEW_PASSWORD, isAdmin: true }, store);
		await addModerator({ username: 'sam', password: OLD_PASSWORD }, store);
		const signingIn = await signInHeldAtItsPasswordCheck('sam', OLD_PASSWORD, '192.0.2.2', store);
		await disableModerator('sam', {}, store);

		expect((await signingIn.finish()).outcome).toBe('refused');
	});
});
