import { describe, expect, it } from 'vitest';
import {
	DEFAULT_DECLINED_RETENTION_DAYS,
	readDeclinedRetentionDays,
} from '../../src/lib/server/retention.ts';

describe('readDeclinedRetentionDays', () => {
	it('is 30 days unless DECLINED_RETENTION_DAYS says otherwise', () => {
		expect(DEFAULT_DECLINED_RETENTION_DAYS).toBe(30);
		expect(readDeclinedRetentionDays({})).toBe(30);
		expect(readDeclinedRetentionDays({ DECLINED_RETENTION_DAYS: '' })).toBe(30);
		expect(readDeclinedRetentionDays({ DECLINED_RETENTION_DAYS: '7' })).toBe(7);
	});

	it.each(['0', '-3', '2.5', 'thirty', '30 days'])(
		'refuses %j with a message naming the setting',
		(raw) => {
			expect(() => readDeclinedRetentionDays({ DECLINED_RETENTION_DAYS: raw })).toThrow(
				/DECLINED_RETENTION_DAYS must be a whole number of days, 1 or more/,
			);
		},
	);
});
