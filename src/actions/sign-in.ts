import { ActionError, defineAction, type ActionAPIContext } from 'astro:actions';
import { z } from 'astro/zod';
import { requireModerator } from '../lib/server/guard';
import { SESSION_COOKIE_NAME, sessionCookieOptions } from '../lib/server/session';
import { signIn, signOut } from '../lib/server/sign-in';
import {
	checkSecondFactorCode,
	disableSecondFactor,
	enableSecondFactor,
	totpStepOfCode,
} from '../lib/server/two-factor';

/** "try again in 40 seconds" / "in 3 minutes": how long until `retryAt`, in words. */
function timeUntil(retryAt: Date): string {
	const seconds = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000));
	if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
	const minutes = Math.ceil(seconds / 60);
	return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * Checks a second-factor code for the signed-in session (at sign-in, or before the factor is
 * replaced or removed) and refuses with a clear message unless it is right. Every refusal
 * counts toward the guessing limits in two-factor.ts; when they end the session, its cookie
 * goes too and the message says to sign in again.
 */
async function requireRightCode(
	context: ActionAPIContext,
	code: string,
	wrong: { code: 'UNAUTHORIZED' | 'BAD_REQUEST'; message: string },
): Promise<void> {
	const { moderator, moderatorSession } = context.locals;
	const check =
		moderator && moderatorSession
			? await checkSecondFactorCode({
					moderatorId: moderator.id,
					sessionId: moderatorSession.id,
					code,
				})
			: ({ outcome: 'session-ended' } as const);
	if (check.outcome === 'accepted') return;
	if (check.outcome === 'session-ended') {
		throw new ActionError({ code: 'UNAUTHORIZED', message: 'Please sign in again.' });
	}
	if (check.outcome === 'no-second-factor') {
		throw new ActionError({
			code: 'BAD_REQUEST',
			message: 'Your account has no second factor to check a code against.',
		});
	}
	if (check.outcome === 'paused') {
		throw new ActionError({
			code: 'TOO_MANY_REQUESTS',
			message: `Too many wrong codes for this account lately. Please try again in ${timeUntil(check.retryAt)}.`,
		});
	}
	if (check.sessionEnded) {
		context.cookies.delete(SESSION_COOKIE_NAME, sessionCookieOptions(context.url));
		throw new ActionError({
			code: wrong.code,
			message:
				'Too many wrong codes: to protect your account you have been signed out. Please sign in again with your password.',
		});
	}
	throw new ActionError({
		code: wrong.code,
		message: check.alreadyUsed
			? 'That code was already used. Wait for the next code in your app and enter that one.'
			: wrong.message,
	});
}

/** Signing in and out, and a moderator's own second factor. */
export const signInActions = {
	signIn: defineAction({
		accept: 'form',
		input: z.object({
			username: z.string({ error: 'Please enter your username.' }).max(100),
			password: z.string({ error: 'Please enter your password.' }).max(1000),
		}),
		handler: async ({ username, password }, context) => {
			const result = await signIn(username, password, context.locals.clientAddress);
			if (result.outcome === 'locked') {
				throw new ActionError({
					code: 'TOO_MANY_REQUESTS',
					message: `Too many failed attempts. Please try again in ${timeUntil(result.retryAt)}.`,
				});
			}
			if (result.outcome === 'refused') {
				throw new ActionError({
					code: 'UNAUTHORIZED',
					message: 'That username and password do not match an active moderator.',
				});
			}
			context.cookies.set(
				SESSION_COOKIE_NAME,
				result.token,
				sessionCookieOptions(context.url, result.expiresAt),
			);
			return { next: result.needsSecondFactor ? '/moderate/login/verify' : '/moderate' };
		},
	}),

	verifySignInCode: defineAction({
		accept: 'form',
		input: z.object({ code: z.string({ error: 'Please enter the code from your app.' }).max(40) }),
		handler: async ({ code }, context) => {
			await requireRightCode(context, code, {
				code: 'UNAUTHORIZED',
				message: 'That code is not right. Check your app and try again.',
			});
			return { next: '/moderate' };
		},
	}),

	signOut: defineAction({
		accept: 'form',
		handler: async (_input, context) => {
			const { moderator, moderatorSession } = context.locals;
			if (moderatorSession) await signOut(moderatorSession.id, moderator?.id ?? null);
			context.cookies.delete(SESSION_COOKIE_NAME, sessionCookieOptions(context.url));
			return { signedOut: true };
		},
	}),

	enrolSecondFactor: defineAction({
		accept: 'form',
		input: z.object({
			key: z.string().max(100),
			code: z.string({ error: 'Please enter the 6-digit code from your app.' }).max(20),
			currentCode: z.string().max(40).optional(),
		}),
		handler: async ({ key, code, currentCode }, context) => {
			const { moderator, moderatorSession } = context.locals;
			// Enrolling is allowed to a signed-in moderator without a second factor yet, even when
			// one is required (that is how they comply).
			if (!moderator || !moderatorSession?.secondFactorVerified) {
				throw new ActionError({ code: 'UNAUTHORIZED', message: 'Please sign in first.' });
			}
			const enrolledStep = totpStepOfCode(key, code);
			if (enrolledStep === null) {
				throw new ActionError({
					code: 'BAD_REQUEST',
					message: 'That code does not match. Scan the QR code again and enter the current code.',
				});
			}
			// Replacing a key asks for the one in use: a session left open or taken over must not be
			// able to swap in its own key and lock the owner out.
			if (moderator.hasSecondFactor) {
				if (!currentCode?.trim()) {
					throw new ActionError({
						code: 'BAD_REQUEST',
						message:
							'To replace your second factor, also enter a code from your current app or one of your recovery codes.',
					});
				}
				await requireRightCode(context, currentCode, {
					code: 'BAD_REQUEST',
					message:
						'That is not a code from your current app or an unused recovery code; your second factor was not changed.',
				});
			}
			return { recoveryCodes: await enableSecondFactor(moderator.id, key, enrolledStep) };
		},
	}),

	removeSecondFactor: defineAction({
		accept: 'form',
		input: z.object({
			code: z.string({ error: 'Please enter a code from your app or a recovery code.' }).max(40),
		}),
		handler: async ({ code }, context) => {
			const moderator = await requireModerator(context.locals);
			await requireRightCode(context, code, {
				code: 'BAD_REQUEST',
				message: 'That code is not right; the second factor stays on.',
			});
			await disableSecondFactor(moderator.id);
			return { removed: true };
		},
	}),
};
