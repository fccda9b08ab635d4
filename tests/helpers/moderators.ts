import { inject } from 'vitest';
import { addModerator, disableModerator } from '../../src/lib/server/moderators.ts';
import { postForm } from './http.ts';
import { openServerDatabase } from './share.ts';

let counter = 0;

/** A new moderator on a test server's database; returns the name and password. */
export async function createModerator(
	options: { admin?: boolean; disabled?: boolean; databasePath?: string } = {},
): Promise<{ username: string; password: string; id: string }> {
	counter += 1;
	const username = `mod${process.pid}x${counter}${Math.random().toString(36).slice(2, 6)}`;
	const password = `quiet-harbour-${Math.random().toString(36).slice(2)}-lantern`;
	const database = openServerDatabase(options.databasePath ?? inject('databasePath'));
	try {
		const { id } = await addModerator(
			{ username, password, isAdmin: options.admin ?? false },
			database,
		);
		if (options.disabled) await disableModerator(username, {}, database);
		return { username, password, id };
	} finally {
		database.$client.close();
	}
}

/** Signs in through the real form and returns the session cookie as a `Cookie` header value. */
export async function signIn(
	username: string,
	password: string,
	baseUrl = inject('baseUrl'),
): Promise<{ response: Response; cookie: string | null }> {
	const response = await postForm(
		'/moderate/login?_action=signIn',
		{ username, password },
		{ baseUrl },
	);
	const setCookie = response.headers
		.getSetCookie()
		.find((cookie) => cookie.startsWith('ct_moderator_session='));
	return { response, cookie: setCookie ? setCookie.split(';')[0]! : null };
}
