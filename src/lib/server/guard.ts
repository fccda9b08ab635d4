import { ActionError } from 'astro:actions';
import type { ModeratorIdentity, ModeratorSession } from './session.ts';
import { isSecondFactorRequired } from './site-settings.ts';

export type Access = 'allowed' | 'sign-in' | 'second-factor' | 'enrol-second-factor' | 'forbidden';

/**
 * The one place that decides who may moderate. `sign-in`: nobody is signed in;
 * `second-factor`: the password was right but the code is still due; `enrol-second-factor`:
 * admins require a second factor and this moderator has none yet; `forbidden`: signed in,
 * but the page needs an admin.
 */
export async function checkModeratorAccess(
	locals: { moderator: ModeratorIdentity | null; moderatorSession: ModeratorSession | null },
	need: 'moderator' | 'admin' = 'moderator',
): Promise<Access> {
	const { moderator, moderatorSession } = locals;
	if (!moderator || !moderatorSession) return 'sign-in';
	if (!moderatorSession.secondFactorVerified) return 'second-factor';
	if (!moderator.hasSecondFactor && (await isSecondFactorRequired())) return 'enrol-second-factor';
	if (need === 'admin' && !moderator.isAdmin) return 'forbidden';
	return 'allowed';
}

/** Where a page sends someone who may not see it, or `null` to answer 403. */
function redirectFor(access: Exclude<Access, 'allowed'>): string | null {
	return {
		'sign-in': '/moderate/login',
		'second-factor': '/moderate/login/verify',
		'enrol-second-factor': '/moderate/account',
		forbidden: null,
	}[access];
}

/** For actions: the moderator when allowed; otherwise refuses with 401 or 403 and changes nothing. */
export async function requireModerator(
	locals: { moderator: ModeratorIdentity | null; moderatorSession: ModeratorSession | null },
	need: 'moderator' | 'admin' = 'moderator',
): Promise<ModeratorIdentity> {
	const access = await checkModeratorAccess(locals, need);
	if (access === 'allowed') return locals.moderator!;
	throw new ActionError({
		code: access === 'forbidden' ? 'FORBIDDEN' : 'UNAUTHORIZED',
		message:
			access === 'forbidden'
				? 'Only an admin can do that.'
				: 'Please sign in as a moderator first. Nothing was changed.',
	});
}

/**
 * For pages: `null` when the page may render; otherwise the response to send instead
 * (a redirect to sign in, to the second step or to enrolment, or a 403 page).
 */
export async function guardPage(
	astro: {
		locals: App.Locals;
		redirect: (path: string) => Response;
		rewrite: (path: string) => Promise<Response>;
	},
	need: 'moderator' | 'admin' = 'moderator',
): Promise<Response | null> {
	const access = await checkModeratorAccess(astro.locals, need);
	if (access === 'allowed') return null;
	const target = redirectFor(access);
	return target ? astro.redirect(target) : astro.rewrite('/moderate/forbidden');
}
