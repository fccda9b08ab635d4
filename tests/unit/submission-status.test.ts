import { describe, expect, it } from 'vitest';
import { SUBMISSION_STATUSES } from '../../db/schema.ts';
import {
	canTransition,
	isEditableByWriter,
	STATUS_TRANSITIONS,
	transitionOf,
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

describe('transitionOf', () => {
	/** Where each moderator decision moves a story, written out independently of the table. */
	const MOVES = {
		publish: 'pending->approved',
		decline: 'pending->rejected',
		unpublish: 'approved->unpublished',
		restore: 'unpublished->approved',
	} as const;

	it.each(Object.entries(MOVES))('%s moves a story %s', (decision, move) => {
		const { from, to } = transitionOf(decision as keyof typeof MOVES);
		expect(`${from}->${to}`).toBe(move);
		expect(canTransition(from, to, 'moderator')).toBe(true);
	});

	it('names every moderator transition by exactly one decision', () => {
		const moderatorMoves = STATUS_TRANSITIONS.filter((transition) => transition.by === 'moderator');
		expect(moderatorMoves.map((transition) => transition.decision).toSorted()).toEqual(
			Object.keys(MOVES).toSorted(),
		);
	});
});

describe('isEditableByWriter', () => {
	it.each(SUBMISSION_STATUSES)('%s', (status) => {
		expect(isEditableByWriter(status)).toBe(status === 'pending' || status === 'rejected');
	});
});
