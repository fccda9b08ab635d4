import { describe, expect, it } from 'vitest';
import {
	CRISIS_LINES,
	EMERGENCY_NUMBER,
	HELPLINES_BY_CONTENT_WARNING,
	HELPLINES_BY_TOPIC,
	QUICK_EXIT_URL,
	type Helpline,
} from '../../src/lib/settings.ts';

const everyLine: Helpline[] = [
	...CRISIS_LINES,
	...Object.values(HELPLINES_BY_TOPIC).flat(),
	...Object.values(HELPLINES_BY_CONTENT_WARNING).flat(),
];

describe('crisis line settings', () => {
	it('lists at least one helpline', () => {
		expect(CRISIS_LINES.length).toBeGreaterThan(0);
	});

	it('puts the 988 Suicide & Crisis Lifeline first, for distress', () => {
		expect(CRISIS_LINES[0]!.phone?.uri).toBe('tel:988');
	});

	it.each(everyLine.map((line) => [line.name, line] as const))(
		'%s can be reached, with a dialable number, a valid text line and a secure website',
		(_name, line) => {
			expect(line.phone ?? line.website).toBeDefined();
			if (line.phone) {
				expect(line.phone.uri).toMatch(/^tel:\+?\d+$/);
				// A number shown in letters (1-800-MY-RESET) carries its digits in brackets.
				const digits = (/\(([^)]*)\)/.exec(line.phone.display)?.[1] ?? line.phone.display).replace(
					/\D/g,
					'',
				);
				expect(line.phone.uri.replace(/\D/g, '')).toContain(digits.slice(-7));
			}
			if (line.textLine) expect(line.textLine.uri).toMatch(/^sms:\+?\d+$/);
			if (line.website) expect(new URL(line.website).protocol).toBe('https:');
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
