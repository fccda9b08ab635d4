import type { Store } from '../../db/store.ts';
import { decideSubmission } from '../../src/lib/server/moderation/decisions.ts';
import { getModerationQueue } from '../../src/lib/server/moderation/queue.ts';
import { receiveStory } from '../../src/lib/server/submissions.ts';
import type { StoryDraft } from '../../src/lib/story-draft.ts';

/** A moderator row, as `npm run moderator -- add` writes one (the audit trail names it). */
export async function addModeratorRow(store: Store): Promise<string> {
	await store.transact(({ query, tables }) =>
		query.insert(tables.moderators).values({
			id: 'moderator-1',
			username: 'sam',
			passwordHash: 'not used here',
			createdAt: new Date(),
		}),
	);
	return 'moderator-1';
}

/** Shares `draft` and has `moderatorId` publish it through the domain; its slug. */
export async function publishThroughDomain(
	store: Store,
	draft: StoryDraft,
	moderatorId: string,
): Promise<string> {
	await receiveStory(draft, store);
	const card = (await getModerationQueue('waiting', 1, store)).cards.find(
		(waiting) => waiting.title === draft.title,
	)!;
	const published = await decideSubmission(
		card.id,
		moderatorId,
		1,
		{ kind: 'publish', identifyingDetailsConfirmed: true },
		store,
	);
	return (published as { slug: string }).slug;
}
