import { describe, expect, it } from 'vitest';
import { findStoryIdentifyingDetails } from '../../src/lib/story-identifying-details.ts';

describe('findStoryIdentifyingDetails', () => {
	it('finds a detail in each published field, with offsets into that field', () => {
		const story = {
			title: 'Write to sam.rivers@example.org',
			penName: 'Sam @samrivers99',
			body: 'I got better. Call 555-867-5309 any time.',
		};
		const found = findStoryIdentifyingDetails(story);
		expect(found.map(({ field, kind, text }) => ({ field, kind, text }))).toEqual([
			{ field: 'title', kind: 'email', text: 'sam.rivers@example.org' },
			{ field: 'penName', kind: 'social-handle', text: '@samrivers99' },
			{ field: 'body', kind: 'phone', text: '555-867-5309' },
		]);
		for (const detail of found) {
			expect(story[detail.field].slice(detail.start, detail.end)).toBe(detail.text);
		}
	});

	it('treats a missing pen name as empty', () => {
		expect(
			findStoryIdentifyingDetails({ title: 'A title', penName: null, body: 'Plain.' }),
		).toEqual([]);
	});
});
