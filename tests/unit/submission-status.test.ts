import { describe, expect, it } from 'vitest';
import { SUBMISSION_STATUSES } from '../../db/schema.ts';
import {
	canTransition,
	isEditableByWriter,
	STATUS_TRANSITIONS,
} from '../../src/lib/submission-status.ts';

/** The transitions the product allows, written out independently of the table in code. */
const ALLOWED = new Set([
	'moderator:pending->approved',
	'moderator:pending->rejected',
	'moderator:approved->unpublished',
	'moderator:unpublished->approved',
	'writer:rejected->pending',
	'writer:pending->withdrawn',
	'writer:approved->withdrawn',
	'writer:rejected->withdrawn',
	'writer:unpublished->withdrawn',
	'system:approved->unpublished',
]);

describe('canTransition', () => {
	const pairs = (['writer', 'moderator', 'system'] as const).flatMap((actor) =>
		SUBMISSION_STATUSES.flatMap((from) =>
			SUBMISSION_STATUSES.map((to) => [actor, from, to] as const),
		),
	);

	it.each(pairs)('%s: %s → %s is allowed only if listed', (actor, from, to) => {
		expect(canTransition(from, to, actor)).toBe(ALLOWED.has(`${actor}:${from}->${to}`));
	});

	it('never lets anything leave withdrawn', () => {
		expect(STATUS_TRANSITIONS.filter((transition) => transition.from === 'withdrawn')).toEqual([]);
	});
});

describe('isEditableByWriter', () => {
	it.each(SUBMISSION_STATUSES)('%s', (status) => {
		expect(isEditableByWriter(status)).toBe(status === 'pending' || status === 'rejected');
	});
});
