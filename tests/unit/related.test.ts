import { describe, expect, it } from 'vitest';
import { findRelated } from '../../src/lib/related.ts';

const piece = (href: string, topics: string[], day: number) => ({
	href,
	topics,
	published: new Date(Date.UTC(2026, 0, day)),
});

describe('findRelated', () => {
	const current = piece('/stories/current', ['alcohol', 'relapse', 'family'], 10);
	const candidates = [
		current,
		piece('/stories/one-shared-old', ['alcohol'], 1),
		piece('/stories/two-shared', ['alcohol', 'relapse'], 2),
		piece('/stories/one-shared-new', ['family'], 20),
		piece('/stories/unrelated', ['gambling'], 30),
		piece('/strategies/three-shared', ['relapse', 'family', 'alcohol'], 3),
	];

	it('ranks by shared topics, then newest, and leaves out the piece itself and unrelated ones', () => {
		expect(findRelated(current, candidates, 10).map(({ href }) => href)).toEqual([
			'/strategies/three-shared',
			'/stories/two-shared',
			'/stories/one-shared-new',
			'/stories/one-shared-old',
		]);
	});

	it('returns at most the limit', () => {
		expect(findRelated(current, candidates, 2)).toHaveLength(2);
	});

	it('returns nothing when no topic is shared', () => {
		expect(findRelated(piece('/x', ['cannabis'], 1), candidates)).toEqual([]);
	});
});
