import { ActionError, defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { generateReceiptCode } from '../lib/receipt-codes';
import { storyDraftFields, type StoryDraft } from '../lib/story-draft';
import { previewStory } from '../lib/story-preview';
import { CHANGE_NOT_SAVED, unlessStorageFails } from './storage';
import { checkFormToken } from '../lib/server/form-token';
import {
	allowPreview,
	allowReceiptLookup,
	allowSubmission,
	SUBMISSION_LIMITS,
} from '../lib/server/rate-limit';
import {
	findStoryByReceipt,
	receiveStory,
	reviseStory,
	withdrawStory,
} from '../lib/server/submissions';

const RECEIPT_NOT_FOUND =
	'We could not find a story for that code. Check it and try again; a lost code cannot be recovered.';

function draftOf(input: StoryDraft): StoryDraft {
	const { title, body, penName, topics, contentWarnings, milestone } = input;
	return { title, body, penName, topics, contentWarnings, milestone };
}

function refuseWhenLimited(decision: { allowed: boolean; retryAt: Date }, what: string): void {
	if (decision.allowed) return;
	const minutes = Math.max(1, Math.ceil((decision.retryAt.getTime() - Date.now()) / 60_000));
	throw new ActionError({
		code: 'TOO_MANY_REQUESTS',
		message: `${what} Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}. Nothing you wrote has been lost.`,
	});
}

const STORY_NOT_SAVED =
	'We could not save your story just now: the site cannot store anything at the moment. This is a problem on our side, not with your story. Your text is still here; please keep a copy and try again in a few minutes.';
const receiptCodeField = z
	.string({ error: 'Please enter your receipt code.' })
	.trim()
	.max(100, { error: RECEIPT_NOT_FOUND });

/** Actions for anonymous writers: sharing, and managing a story by its receipt code. */
export const writerActions = {
	/** /share: preview, back to editing, or submit a new anonymous story. */
	shareStory: defineAction({
		accept: 'form',
		input: z.object({
			...storyDraftFields,
			consent: z.boolean().refine((given) => given, {
				error: 'Please confirm that your story may be published under the community guidelines.',
			}),
			intent: z.enum(['preview', 'edit', 'submit']).default('preview'),
			formToken: z.string().nullish(),
			// The honeypot: hidden from people, filled by bots.
			website: z.string().nullish(),
		}),
		handler: async (input, context) => {
			if (input.intent === 'edit') return { stage: 'form' as const };
			const draft = draftOf(input);
			if (input.intent === 'preview') {
				refuseWhenLimited(
					await allowPreview(context.locals.clientAddress),
					'You have asked for a lot of previews in a short time.',
				);
				return { stage: 'preview' as const, preview: previewStory(draft) };
			}

			// Bots are told their story arrived, so they learn nothing; nothing is stored.
			const token = await checkFormToken(input.formToken, SUBMISSION_LIMITS.minimumFillSeconds);
			if (input.website || token === 'too-fast') {
				return { stage: 'received' as const, receiptCode: generateReceiptCode() };
			}
			if (token === 'invalid') {
				throw new ActionError({
					code: 'BAD_REQUEST',
					message: 'This form had expired. Your story is still here: please press Submit again.',
				});
			}
			refuseWhenLimited(
				await allowSubmission(context.locals.clientAddress),
				'We are receiving a lot of stories right now.',
			);
			// The form token folds a repeated post of this same form (a double click, a resend)
			// into one story; nobody else holds it, so nobody else's story is ever folded in.
			const { receiptCode } = await unlessStorageFails(
				() => receiveStory(draft, undefined, input.formToken),
				STORY_NOT_SAVED,
			);
			return { stage: 'received' as const, receiptCode };
		},
	}),

	/** /my-story: look a story up by its receipt code. */
	lookUpMyStory: defineAction({
		accept: 'form',
		input: z.object({ code: receiptCodeField }),
		handler: async ({ code }, context) => {
			refuseWhenLimited(
				await allowReceiptLookup(context.locals.clientAddress),
				'Too many look-ups from here.',
			);
			const story = await findStoryByReceipt(code);
			if (!story) throw new ActionError({ code: 'NOT_FOUND', message: RECEIPT_NOT_FOUND });
			return { stage: 'status' as const, code, story };
		},
	}),

	/** /my-story: edit a waiting story, or revise and resubmit a declined one. */
	reviseMyStory: defineAction({
		accept: 'form',
		input: z.object({
			code: receiptCodeField,
			...storyDraftFields,
			intent: z.enum(['preview', 'edit', 'submit']).default('preview'),
		}),
		handler: async (input, context) => {
			refuseWhenLimited(
				await allowReceiptLookup(context.locals.clientAddress),
				'Too many look-ups from here.',
			);
			const story = await findStoryByReceipt(input.code);
			if (!story) throw new ActionError({ code: 'NOT_FOUND', message: RECEIPT_NOT_FOUND });
			if (!story.editable) {
				throw new ActionError({
					code: 'CONFLICT',
					message: 'This story can no longer be edited: it has been published or withdrawn.',
				});
			}
			const draft = draftOf(input);
			if (input.intent === 'edit') return { stage: 'form' as const, code: input.code, story };
			if (input.intent === 'preview') {
				refuseWhenLimited(
					await allowPreview(context.locals.clientAddress),
					'You have asked for a lot of previews in a short time.',
				);
				return { stage: 'preview' as const, code: input.code, story, preview: previewStory(draft) };
			}
			const outcome = await unlessStorageFails(
				() => reviseStory(input.code, draft),
				CHANGE_NOT_SAVED,
			);
			if (outcome !== 'done') {
				throw new ActionError({ code: 'CONFLICT', message: 'This story can no longer be edited.' });
			}
			return {
				stage: 'saved' as const,
				code: input.code,
				story: (await findStoryByReceipt(input.code))!,
			};
		},
	}),

	/** /my-story: withdraw a story, after a confirmation step. */
	withdrawMyStory: defineAction({
		accept: 'form',
		input: z.object({
			code: receiptCodeField,
			intent: z.enum(['confirm', 'withdraw']).default('confirm'),
		}),
		handler: async ({ code, intent }, context) => {
			refuseWhenLimited(
				await allowReceiptLookup(context.locals.clientAddress),
				'Too many look-ups from here.',
			);
			const story = await findStoryByReceipt(code);
			if (!story) throw new ActionError({ code: 'NOT_FOUND', message: RECEIPT_NOT_FOUND });
			if (intent === 'confirm') return { stage: 'confirm' as const, code, story };
			if ((await unlessStorageFails(() => withdrawStory(code), CHANGE_NOT_SAVED)) !== 'done') {
				throw new ActionError({ code: 'CONFLICT', message: 'This story cannot be withdrawn.' });
			}
			return { stage: 'withdrawn' as const, code, story: (await findStoryByReceipt(code))! };
		},
	}),
};
