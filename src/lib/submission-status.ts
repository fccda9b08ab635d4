import type { SubmissionStatus } from '../../db/schema.ts';

export type Actor = 'writer' | 'moderator' | 'system';

/** The moderator decisions that move a story from one status to another. */
export type StatusDecision = 'publish' | 'decline' | 'unpublish' | 'restore';

/**
 * Every status change a submission may make, and who may make it. Anything not listed
 * is refused. `writer` changes are made with the receipt code; `moderator` ones by a
 * signed-in moderator, each named by the decision that makes it; `system` ones by the site
 * itself (enough reader reports hide a story).
 */
export const STATUS_TRANSITIONS: readonly {
	from: SubmissionStatus;
	to: SubmissionStatus;
	by: Actor;
	decision?: StatusDecision;
}[] = [
	{ from: 'pending', to: 'approved', by: 'moderator', decision: 'publish' },
	{ from: 'pending', to: 'rejected', by: 'moderator', decision: 'decline' },
	{ from: 'approved', to: 'unpublished', by: 'moderator', decision: 'unpublish' },
	{ from: 'unpublished', to: 'approved', by: 'moderator', decision: 'restore' },
	{ from: 'rejected', to: 'pending', by: 'writer' },
	{ from: 'pending', to: 'withdrawn', by: 'writer' },
	{ from: 'approved', to: 'withdrawn', by: 'writer' },
	{ from: 'rejected', to: 'withdrawn', by: 'writer' },
	{ from: 'unpublished', to: 'withdrawn', by: 'writer' },
	{ from: 'approved', to: 'unpublished', by: 'system' },
];

/** True when `actor` may move a submission from `from` to `to`. */
export function canTransition(from: SubmissionStatus, to: SubmissionStatus, actor: Actor): boolean {
	return STATUS_TRANSITIONS.some(
		(transition) => transition.from === from && transition.to === to && transition.by === actor,
	);
}

/** The one move a moderator's decision makes: where it applies and where it leads. */
export function transitionOf(decision: StatusDecision): {
	from: SubmissionStatus;
	to: SubmissionStatus;
} {
	const transition = STATUS_TRANSITIONS.find((candidate) => candidate.decision === decision);
	if (!transition) throw new Error(`No status transition for the decision ${decision}.`);
	return transition;
}

/** Writers may change their text while it waits for review, and to resubmit after a decline. */
export function isEditableByWriter(status: SubmissionStatus): boolean {
	return status === 'pending' || status === 'rejected';
}
