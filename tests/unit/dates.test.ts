import { describe, expect, it } from 'vitest';
import { auditTimeLabel, formatMonth, startOfUtcDay } from '../../src/lib/dates.ts';

describe('startOfUtcDay', () => {
	it.each([
		['2026-03-10T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
		['2026-03-10T09:13:27.456Z', '2026-03-10T00:00:00.000Z'],
		['2026-03-10T23:59:59.999Z', '2026-03-10T00:00:00.000Z'],
	])('keeps only the day of %s', (input, day) => {
		expect(startOfUtcDay(new Date(input)).toISOString()).toBe(day);
	});
});

describe('auditTimeLabel', () => {
	it('shows a moderator’s action to the minute', () => {
		expect(auditTimeLabel(new Date('2026-03-10T09:13:27Z'))).toBe('2026-03-10 09:13');
	});

	it('shows a day-stamped action as its day, with no made-up midnight', () => {
		expect(auditTimeLabel(new Date('2026-03-10T00:00:00Z'))).toBe('2026-03-10');
	});
});

describe('formatMonth', () => {
	it('names a UTC month as readers say it', () => {
		expect(formatMonth('2026-03')).toBe('March 2026');
		expect(formatMonth('2025-12')).toBe('December 2025');
	});
});
