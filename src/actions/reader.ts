import { ActionError, defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { addressKey } from '../lib/server/address-key';
import { allowReceiptLookup } from '../lib/server/rate-limit';
import { REPORT_REASONS, reportStory, type ReportReason } from '../lib/server/reports';
import { isPublishedStory } from '../lib/server/library';
import { allowReaction } from '../lib/server/rate-limit';
import { addReaction, REACTIONS, type Reaction } from '../lib/server/reactions';
import { CHANGE_NOT_SAVED, unlessStorageFails } from './storage';

const REASONS = Object.keys(REPORT_REASONS) as [ReportReason, ...ReportReason[]];
const REACTION_KINDS = Object.keys(REACTIONS) as [Reaction, ...Reaction[]];

/** Actions for readers, who have no account and leave no trace but an aggregate. */
export const readerActions = {
	/** "This helped me" / "Sending strength": adds to a total, once a day per reader. */
	reactToStory: defineAction({
		accept: 'form',
		input: z.object({
			slug: z.string().max(100),
			reaction: z.enum(REACTION_KINDS, { error: 'Please choose a reaction.' }),
		}),
		handler: async ({ slug, reaction }, context) => {
			if (!(await allowReaction(context.locals.clientAddress)).allowed) {
				throw new ActionError({
					code: 'TOO_MANY_REQUESTS',
					message: 'Too many reactions from here; please try again later.',
				});
			}
			if (!(await isPublishedStory(slug))) {
				throw new ActionError({ code: 'NOT_FOUND', message: 'That story is no longer published.' });
			}
			return unlessStorageFails(
				() => addReaction(slug, reaction, addressKey(context.locals.clientAddress)),
				CHANGE_NOT_SAVED,
			);
		},
	}),
	/** "Report this story": reaches the moderators' Reported tab. */
	reportStory: defineAction({
		accept: 'form',
		input: z
			.object({
				slug: z.string().max(100),
				reason: z.enum(REASONS, { error: 'Please choose what is wrong.' }),
				note: z
					.string()
					.nullish()
					.transform((value) => value?.trim() || null)
					.pipe(
						z.string().max(500, { error: 'Please keep the note under 500 characters.' }).nullable(),
					),
			})
			.refine((input) => input.reason !== 'other' || input.note !== null, {
				error: 'Please tell us briefly what is wrong.',
				path: ['note'],
			}),
		handler: async ({ slug, reason, note }, context) => {
			// Shares the per-address budget of receipt look-ups: enough for a reader, not for a flood.
			const decision = await allowReceiptLookup(context.locals.clientAddress);
			if (!decision.allowed) {
				throw new ActionError({
					code: 'TOO_MANY_REQUESTS',
					message: 'Too many reports from here; please try again later.',
				});
			}
			const result = await unlessStorageFails(
				() => reportStory(slug, reason, note, addressKey(context.locals.clientAddress)),
				CHANGE_NOT_SAVED,
			);
			if (result.outcome === 'not-found') {
				throw new ActionError({ code: 'NOT_FOUND', message: 'That story is no longer published.' });
			}
			return result;
		},
	}),
};
