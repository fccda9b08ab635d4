import { ActionError, defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { DECLINE_REASONS } from '../lib/guidelines';
import { requireModerator } from '../lib/server/guard';
import {
	bulkDecline,
	decideSubmission,
	type ModerationDecision,
} from '../lib/server/moderation/decisions';
import { editSubmission } from '../lib/server/moderation/edits';
import type { ModerationOutcome } from '../lib/server/moderation/locking';
import { resolveReports } from '../lib/server/moderation/reports';
import { claimForReview } from '../lib/server/moderation/review';
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

/** What moderators do to stories: review, decide, edit, resolve reports. */
export const storyDecisionActions = {
	startReviewing: defineAction({
		accept: 'form',
		input: z.object({ id: z.string().max(64) }),
		handler: async ({ id }, context) => {
			const moderator = await requireModerator(context.locals);
			const claim = await unlessStorageFails(
				() => claimForReview(id, moderator.id),
				CHANGE_NOT_SAVED,
			);
			if (claim.outcome === 'not-found')
				throw new ActionError({ code: 'NOT_FOUND', message: 'That story no longer exists.' });
			if (claim.outcome === 'held-by-other') {
				throw new ActionError({
					code: 'CONFLICT',
					message: 'Another moderator started reviewing this story a moment ago.',
				});
			}
			if (claim.outcome === 'not-waiting') {
				throw new ActionError({
					code: 'CONFLICT',
					message: 'This story is no longer waiting for review; nothing was reserved.',
				});
			}
			return { claimedUntil: claim.until };
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
		handler: async ({ id, version, ...draft }, context) => {
			const moderator = await requireModerator(context.locals);
			throwUnlessDone(
				await unlessStorageFails(
					() => editSubmission(id, moderator.id, version, draft),
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
};
