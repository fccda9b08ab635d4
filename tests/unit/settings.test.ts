import { describe, expect, it } from 'vitest';
import { CRISIS_LINES, EMERGENCY_NUMBER, QUICK_EXIT_URL } from '../../src/lib/settings.ts';

describe('crisis line settings', () => {
	it('lists at least one helpline', () => {
		expect(CRISIS_LINES.length).toBeGreaterThan(0);
	});

	it.each(CRISIS_LINES.map((line) => [line.name, line] as const))(
		'%s has a dialable number, a valid text line and a secure website',
		(_name, line) => {
			expect(line.phoneUri).toMatch(/^tel:\+?\d+$/);
			expect(line.phoneUri.replace(/\D/g, '')).toContain(
				line.phoneDisplay.replace(/\D/g, '').slice(-7),
			);
			if (line.textLine) expect(line.textLine.uri).toMatch(/^sms:\+?\d+$/);
			expect(new URL(line.website).protocol).toBe('https:');
		},
	);

	it('has a dialable emergency number', () => {
		expect(EMERGENCY_NUMBER.uri).toBe(`tel:${EMERGENCY_NUMBER.display}`);
	});

	it('sends the quick exit to another site over https', () => {
		expect(new URL(QUICK_EXIT_URL).protocol).toBe('https:');
		expect(new URL(QUICK_EXIT_URL).hostname).not.toMatch(/localhost|common-thread/);
	});
});
