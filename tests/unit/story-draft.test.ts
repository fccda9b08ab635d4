import { describe, expect, it } from 'vitest';
import { readStoryFormValues, storyDraftSchema } from '../../src/lib/story-draft.ts';

const valid = {
	title: 'Ninety days and counting',
	body: 'I never thought I would write this down. '.repeat(10),
	penName: 'River',
	topics: ['alcohol', 'early-recovery'],
	contentWarnings: ['relapse'],
};

const messagesFor = (input: unknown, field: string) => {
	const result = storyDraftSchema.safeParse(input);
	if (result.success) return [];
	return result.error.issues
		.filter((issue) => issue.path[0] === field)
		.map((issue) => issue.message);
};

describe('storyDraftSchema', () => {
	it('accepts a complete story, trimming and normalising line breaks', () => {
		const draft = storyDraftSchema.parse({
			...valid,
			title: `  ${valid.title}  `,
			body: `${valid.body}\r\nEnd.`,
		});
		expect(draft.title).toBe(valid.title);
		expect(draft.body.endsWith('\nEnd.')).toBe(true);
		expect(draft.body).not.toContain('\r');
	});

	it('keeps a chosen milestone and treats none as none', () => {
		expect(storyDraftSchema.parse({ ...valid, milestone: 'after-a-relapse' }).milestone).toBe(
			'after-a-relapse',
		);
		expect(storyDraftSchema.parse({ ...valid, milestone: null }).milestone).toBeNull();
	});

	it('turns an empty pen name into none (shown as Anonymous)', () => {
		expect(storyDraftSchema.parse({ ...valid, penName: '   ' }).penName).toBeNull();
		expect(storyDraftSchema.parse({ ...valid, penName: null }).penName).toBeNull();
	});

	it.each([
		['title', { title: null }, /write a title/i],
		['title', { title: 'Hey' }, /at least 5 characters/],
		['title', { title: 'x'.repeat(121) }, /at most 120 characters/],
		['body', { body: null }, /write a story/i],
		['body', { body: 'Too short.' }, /at least 300 characters/],
		['body', { body: 'x'.repeat(20_001) }, /at most 20,000 characters/],
		['body', { body: `${valid.body}\u0000hidden` }, /control characters/],
		['body', { body: `${valid.body}\u001b[31m` }, /control characters/],
		['title', { title: 'Broken \uFFFD text here' }, /could not be read/],
		['penName', { penName: 'x'.repeat(41) }, /at most 40 characters/],
		['topics', { topics: ['alcohol', 'moonlight'] }, /topics from the list/],
		[
			'topics',
			{ topics: ['alcohol', 'opioids', 'cannabis', 'gambling', 'relapse', 'family'] },
			/at most 5 topics/,
		],
		['contentWarnings', { contentWarnings: ['spoilers'] }, /warnings from the list/],
		['milestone', { milestone: 'forever' }, /where you are from the list/],
	])('refuses a bad %s with a specific message (%j)', (field, change, message) => {
		const messages = messagesFor({ ...valid, ...change }, field);
		expect(messages.join(' ')).toMatch(message);
	});

	it('keeps tabs and line breaks, which are not control characters to a writer', () => {
		expect(
			storyDraftSchema.safeParse({ ...valid, body: `${valid.body}\n\n\tIndented.` }).success,
		).toBe(true);
	});
});

describe('readStoryFormValues', () => {
	it('reads back everything typed, valid or not', () => {
		const form = new FormData();
		form.set('title', 'Hi');
		form.set('body', 'short');
		form.set('penName', '');
		form.append('topics', 'alcohol');
		form.append('topics', 'moonlight');
		form.set('consent', 'on');
		expect(readStoryFormValues(form)).toEqual({
			title: 'Hi',
			body: 'short',
			penName: '',
			topics: ['alcohol', 'moonlight'],
			contentWarnings: [],
			milestone: '',
			consent: true,
		});
	});

	it('gives empty values when nothing was posted', () => {
		expect(readStoryFormValues(null)).toEqual({
			title: '',
			body: '',
			penName: '',
			topics: [],
			contentWarnings: [],
			milestone: '',
			consent: false,
		});
	});
});
