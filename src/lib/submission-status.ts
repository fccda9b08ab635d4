import type { SubmissionStatus } from '../../db/schema.ts';

export type Actor = 'writer' | 'moderator' | 'system';

/**
 * Every status change a submission may make, and who may make it. Anything not listed
 * is refused. `writer` changes are made with the receipt code; `moderator` ones by a
 * signed-in moderator; `system` ones by the site itself (enough reader reports hide a story).
 */
export const STATUS_TRANSITIONS: readonly {
	from: SubmissionStatus;
	to: SubmissionStatus;
	by: Actor;
}[] = [
	{ from: 'pending', to: 'approved', by: 'moderator' },
	{ from: 'pending', to: 'rejected', by: 'moderator' },
	{ from: 'approved', to: 'unpublished', by: 'moderator' },
	{ from: 'unpublished', to: 'approved', by: 'moderator' },
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

/** Writers may change their text while it waits for review, and to resubmit after a decline. */
export function isEditableByWriter(status: SubmissionStatus): boolean {
	return status === 'pending' || status === 'rejected';
}
