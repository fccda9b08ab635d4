import { describe, expect, it } from 'vitest';
import { helplinesFor } from '../../src/lib/helplines.ts';

const names = (piece: Parameters<typeof helplinesFor>[0]) =>
	helplinesFor(piece).map((line) => line.name);

describe('helplinesFor', () => {
	it('gives a gambling piece the problem gambling helpline', () => {
		expect(names({ topics: ['gambling', 'work'] })).toEqual(['National Problem Gambling Helpline']);
	});

	it('gives harm-reduction pieces and pieces warned for overdose 911 and Never Use Alone', () => {
		const overdose = ['Emergency services (911)', 'Never Use Alone'];
		expect(names({ topics: ['harm-reduction'] })).toEqual(overdose);
		expect(names({ topics: ['opioids'], contentWarnings: ['overdose'] })).toEqual(overdose);
	});

	it('lists each line once when a topic and a warning both call for it', () => {
		expect(names({ topics: ['harm-reduction'], contentWarnings: ['overdose'] })).toEqual([
			'Emergency services (911)',
			'Never Use Alone',
		]);
	});

	it('points finding-treatment pieces to FindTreatment.gov', () => {
		expect(names({ topics: ['finding-treatment'] })).toEqual(['FindTreatment.gov']);
	});

	it('gives nothing extra to a piece with no particular need', () => {
		expect(names({ topics: ['cravings', 'early-recovery'], contentWarnings: ['relapse'] })).toEqual(
			[],
		);
	});
});
