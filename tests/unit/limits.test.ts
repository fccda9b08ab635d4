import { describe, expect, it } from 'vitest';
import { DEFAULT_SUBMISSION_LIMITS, readSubmissionLimits } from '../../src/lib/server/limits.ts';

describe('readSubmissionLimits', () => {
	it('uses the defaults when nothing is set', () => {
		expect(readSubmissionLimits({})).toEqual(DEFAULT_SUBMISSION_LIMITS);
	});

	it('takes whole numbers from the environment', () => {
		const limits = readSubmissionLimits({
			LIMIT_SUBMISSIONS_PER_ADDRESS_PER_HOUR: '50',
			SUBMISSION_MINIMUM_FILL_SECONDS: '0',
		});
		expect(limits.submissionsPerAddressPerHour).toBe(50);
		expect(limits.minimumFillSeconds).toBe(0);
		expect(limits.receiptLookupsPerAddressPerHour).toBe(
			DEFAULT_SUBMISSION_LIMITS.receiptLookupsPerAddressPerHour,
		);
	});

	it('takes the preview and reaction limits from the environment', () => {
		const limits = readSubmissionLimits({
			LIMIT_PREVIEWS_PER_ADDRESS_PER_HOUR: '7',
			LIMIT_REACTIONS_PER_ADDRESS_PER_HOUR: '9',
		});
		expect(limits.previewsPerAddressPerHour).toBe(7);
		expect(limits.reactionsPerAddressPerHour).toBe(9);
	});

	it.each(['-1', '2.5', 'ten', ' 5'])('refuses %j, naming the variable', (value) => {
		expect(() => readSubmissionLimits({ LIMIT_SUBMISSIONS_PER_HOUR: value })).toThrow(
			/LIMIT_SUBMISSIONS_PER_HOUR/,
		);
	});
});
