import { describe, expect, it } from 'vitest';
import {
	CONTENT_WARNINGS,
	TOPIC_GROUPS,
	TOPICS,
	contentWarningLabel,
	isTopicSlug,
	topicLabel,
	topicsInGroup,
	type TopicGroup,
} from '../../src/lib/taxonomy.ts';

describe('the taxonomy', () => {
	it('names every topic once', () => {
		const slugs = TOPICS.map((topic) => topic.slug);
		expect(new Set(slugs).size).toBe(slugs.length);
	});

	it('uses URL-safe slugs', () => {
		for (const { slug } of [...TOPICS, ...CONTENT_WARNINGS])
			expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
	});

	it('places every topic in exactly one known group, and every group has topics', () => {
		const groups = Object.keys(TOPIC_GROUPS) as TopicGroup[];
		const grouped = groups.flatMap((group) => topicsInGroup(group));
		expect(grouped).toHaveLength(TOPICS.length);
		for (const group of groups) expect(topicsInGroup(group).length).toBeGreaterThan(0);
	});

	it('covers the substances, pathways and themes readers look for', () => {
		for (const slug of [
			'alcohol',
			'opioids',
			'gambling',
			'twelve-step',
			'smart-recovery',
			'medication-assisted',
			'relapse',
			'family',
			'long-term-recovery',
		]) {
			expect(isTopicSlug(slug)).toBe(true);
		}
	});
});

describe('isTopicSlug', () => {
	it.each(['', 'Alcohol', 'alcohol ', 'unknown', '../alcohol', 'constructor', 'toString'])(
		'rejects %j',
		(value) => expect(isTopicSlug(value)).toBe(false),
	);
});

describe('labels', () => {
	it('reads topics and warnings the way readers say them', () => {
		expect(topicLabel('twelve-step')).toBe('12-step (AA/NA)');
		expect(contentWarningLabel('death-and-grief')).toBe('death and grief');
	});
});
