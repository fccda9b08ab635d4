import { ActionError, defineAction, type ActionAPIContext } from 'astro:actions';
import { z } from 'astro/zod';
import { DECLINE_REASONS } from '../lib/guidelines';
import { requireModerator } from '../lib/server/guard';
import {
	bulkDecline,
	decideSubmission,
	editSubmission,
	resolveReports,
	type ModerationDecision,
	type ModerationOutcome,
} from '../lib/server/moderation';
import { disableModerator, ModeratorError } from '../lib/server/moderators';
import { appendAuditEvent } from '../lib/server/audit';
import { endSession, SESSION_COOKIE_NAME, sessionCookieOptions } from '../lib/server/session';
import { signIn } from '../lib/server/sign-in';
import { setSecondFactorRequired } from '../lib/server/site-settings';
import {
	checkSecondFactorCode,
	disableSecondFactor,
	enableSecondFactor,
	totpStepOfCode,
} from '../lib/server/two-factor';
import { getDatabase } from '../../db/client';
import { storyDraftFields, type StoryDraft } from '../lib/story-draft';
import { CONTENT_WARNING_SLUGS } from '../lib/taxonomy';
import { CHANGE_NOT_SAVED, unlessStorageFails } from './storage';

const DECLINE_REASON_SLUGS = DECLINE_REASONS.map((reason) => reason.slug) as [
	(typeof DECLINE_REASONS)[number]['slug'],
	...(typeof DECLINE_REASONS)[number]['slug'][],
];

const note = z
	.string()
	.nullish()
	.transform((value) => value?.trim() || null)
	.pipe(z.string().max(1000, { error: 'Please keep the note under 1,000 characters.' }).nullable());

/** Turns a refused decision into the message a moderator sees, with a status code. */
function throwUnlessDone(
	result: ModerationOutcome,
): Extract<ModerationOutcome, { outcome: 'done' }> {
	if (result.outcome === 'done') return result;
	if (result.outcome === 'not-found')
		throw new ActionError({ code: 'NOT_FOUND', message: 'That story no longer exists.' });
	if (result.outcome === 'conflict') {
		throw new ActionError({
			code: 'CONFLICT',
			message:
				'This story changed while you were looking at it (an edit by the writer or another moderator). Nothing was overwritten: please review the current version below.',
		});
	}
	throw new ActionError({
		code: 'CONFLICT',
		message: `That decision is not possible for a story that is ${result.status}. Nothing was changed.`,
	});
}

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
function requireRightCode(
	context: ActionAPIContext,
	code: string,
	wrong: { code: 'UNAUTHORIZED' | 'BAD_REQUEST'; message: string },
): void {
	const { moderator, moderatorSession } = context.locals;
	const check =
		moderator && moderatorSession
			? checkSecondFactorCode({ moderatorId: moderator.id, sessionId: moderatorSession.id, code })
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

export const moderationActions = {
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
			requireRightCode(context, code, {
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
			if (moderatorSession) {
				await endSession(moderatorSession.id);
				appendAuditEvent(getDatabase(), {
					moderatorId: moderator?.id ?? null,
					action: 'signed-out',
				});
			}
			context.cookies.delete(SESSION_COOKIE_NAME, sessionCookieOptions(context.url));
			return { signedOut: true };
		},
	}),

	decideStory: defineAction({
		accept: 'form',
		input: z
			.object({
				id: z.string().max(64),
				version: z
					.number({ error: 'The form is missing the version it was made on.' })
					.int()
					.positive(),
				decision: z.enum([
					'publish',
					'publish-with-warnings',
					'decline',
					'second-opinion',
					'unpublish',
					'restore',
				]),
				publishWarnings: z.array(z.enum(CONTENT_WARNING_SLUGS)).default([]),
				reason: z
					.enum(DECLINE_REASON_SLUGS, { error: 'Please choose a reason from the guidelines.' })
					.nullish(),
				note,
				/** "Publish anyway": the moderator saw the identifying details still in the story. */
				confirm: z.boolean().default(false),
				/** The review form sends the story's fields with the decision, to save them with it. */
				carriesEdits: z.boolean().default(false),
				...storyDraftFields,
				title: storyDraftFields.title.optional(),
				body: storyDraftFields.body.optional(),
			})
			.superRefine((input, context) => {
				if (!input.carriesEdits) return;
				if (input.title === undefined)
					context.addIssue({ code: 'custom', path: ['title'], message: 'Please write a title.' });
				if (input.body === undefined)
					context.addIssue({ code: 'custom', path: ['body'], message: 'Please write a story.' });
			}),
		handler: async (input, context) => {
			const moderator = await requireModerator(context.locals);
			const edits: StoryDraft | undefined =
				input.carriesEdits && input.title !== undefined && input.body !== undefined
					? {
							title: input.title,
							body: input.body,
							penName: input.penName,
							topics: input.topics,
							contentWarnings: input.contentWarnings,
							milestone: input.milestone,
						}
					: undefined;
			const identifyingDetailsConfirmed = input.confirm;
			let decision: ModerationDecision;
			switch (input.decision) {
				case 'publish':
					decision = { kind: 'publish', edits, identifyingDetailsConfirmed };
					break;
				case 'publish-with-warnings':
					decision = {
						kind: 'publish',
						contentWarnings: input.publishWarnings,
						edits,
						identifyingDetailsConfirmed,
					};
					break;
				case 'decline':
					if (!input.reason) {
						throw new ActionError({
							code: 'BAD_REQUEST',
							message: 'Please choose a reason from the guidelines before declining.',
						});
					}
					decision = { kind: 'decline', reason: input.reason, note: input.note };
					break;
				case 'second-opinion':
					decision = { kind: 'second-opinion', edits };
					break;
				case 'unpublish':
					decision = { kind: 'unpublish', note: input.note };
					break;
				case 'restore':
					decision = { kind: 'restore' };
					break;
			}
			const outcome = await unlessStorageFails(
				() => decideSubmission(input.id, moderator.id, input.version, decision),
				CHANGE_NOT_SAVED,
			);
			// Not an error: the review page asks "Publish anyway?", carrying the edits along.
			if (outcome.outcome === 'needs-confirmation') {
				return {
					decision: input.decision,
					needsConfirmation: {
						identifyingDetails: outcome.identifyingDetails,
						version: input.version,
						publishWarnings: input.publishWarnings,
						edits: edits ?? null,
					},
				};
			}
			const result = throwUnlessDone(outcome);
			return { decision: input.decision, status: result.status, slug: result.slug };
		},
	}),

	editStory: defineAction({
		accept: 'form',
		input: z.object({
			id: z.string().max(64),
			version: z.number().int().positive(),
			...storyDraftFields,
		}),
		handler: async (
			{ id, version, title, body, penName, topics, contentWarnings, milestone },
			context,
		) => {
			const moderator = await requireModerator(context.locals);
			throwUnlessDone(
				await unlessStorageFails(
					() =>
						editSubmission(id, moderator.id, version, {
							title,
							body,
							penName,
							topics,
							contentWarnings,
							milestone,
						}),
					CHANGE_NOT_SAVED,
				),
			);
			return { saved: true };
		},
	}),

	bulkDeclineStories: defineAction({
		accept: 'form',
		input: z.object({
			ids: z.array(z.string().max(64)).max(100).default([]),
			reason: z.enum(DECLINE_REASON_SLUGS).default('not-a-recovery-story'),
		}),
		handler: async ({ ids, reason }, context) => {
			const moderator = await requireModerator(context.locals);
			if (ids.length === 0)
				throw new ActionError({
					code: 'BAD_REQUEST',
					message: 'Tick at least one story to decline.',
				});
			return {
				declined: await unlessStorageFails(
					() => bulkDecline(ids, moderator.id, reason),
					CHANGE_NOT_SAVED,
				),
			};
		},
	}),

	resolveStoryReports: defineAction({
		accept: 'form',
		input: z.object({
			id: z.string().max(64),
			resolution: z
				.string({ error: 'Please say what was done about the reports.' })
				.trim()
				.min(3)
				.max(500),
		}),
		handler: async ({ id, resolution }, context) => {
			const moderator = await requireModerator(context.locals);
			return {
				resolved: await unlessStorageFails(
					() => resolveReports(id, moderator.id, resolution),
					CHANGE_NOT_SAVED,
				),
			};
		},
	}),

	disableModeratorAccount: defineAction({
		accept: 'form',
		input: z.object({ username: z.string().max(100) }),
		handler: async ({ username }, context) => {
			const admin = await requireModerator(context.locals, 'admin');
			try {
				await disableModerator(username, { byModeratorId: admin.id });
			} catch (error) {
				if (error instanceof ModeratorError) {
					throw new ActionError({
						code: error.code === 'not-found' ? 'NOT_FOUND' : 'CONFLICT',
						message: error.message,
					});
				}
				throw error;
			}
			return { disabled: username };
		},
	}),

	setSecondFactorRequirement: defineAction({
		accept: 'form',
		input: z.object({ required: z.boolean() }),
		handler: async ({ required }, context) => {
			const admin = await requireModerator(context.locals, 'admin');
			// Requiring it without having it would lock the admin out of this very switch.
			if (required && !admin.hasSecondFactor) {
				throw new ActionError({
					code: 'CONFLICT',
					message:
						'Set up your own second factor first (on your Account page), then require it for everyone.',
				});
			}
			await setSecondFactorRequired(required);
			appendAuditEvent(getDatabase(), {
				moderatorId: admin.id,
				action: required ? 'second-factor-required' : 'second-factor-optional',
			});
			return { required };
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
				requireRightCode(context, currentCode, {
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
			requireRightCode(context, code, {
				code: 'BAD_REQUEST',
				message: 'That code is not right; the second factor stays on.',
			});
			await disableSecondFactor(moderator.id);
			return { removed: true };
		},
	}),
};
