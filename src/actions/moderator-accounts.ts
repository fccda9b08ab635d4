import { ActionError, defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { requireModerator } from '../lib/server/guard';
import { disableModerator, ModeratorError } from '../lib/server/moderators';
import { setSecondFactorRequired } from '../lib/server/site-settings';

/** What admins do to moderator accounts and to the rules every account follows. */
export const accountActions = {
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
			await setSecondFactorRequired(required, admin.id);
			return { required };
		},
	}),
};
