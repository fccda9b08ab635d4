import { describe, expect, it } from 'vitest';
import {
	MAX_STORIES,
	parseBenchEngine,
	parseScaleArguments,
	parseSeedArguments,
} from '../../scripts/bench/scale-arguments.ts';

describe('parseSeedArguments', () => {
	it('reads the size, the file and --force in either spelling', () => {
		expect(parseSeedArguments(['--stories', '1000', '--database', 'x.db'])).toEqual({
			ok: true,
			value: { stories: 1000, database: 'x.db', force: false },
		});
		expect(parseSeedArguments(['--database=x.db', '--stories=1_000_000', '--force'])).toEqual({
			ok: true,
			value: { stories: 1_000_000, database: 'x.db', force: true },
		});
	});

	describe.each([
		[[], /--stories N/],
		[['--stories', '10'], /--database FILE/],
		[['--database', 'x.db'], /--stories N/],
		[['--stories', '0', '--database', 'x.db'], /whole number/],
		[['--stories', '2.5', '--database', 'x.db'], /whole number/],
		[['--stories', '-3', '--database', 'x.db'], /whole number/],
		[['--stories', String(MAX_STORIES + 1), '--database', 'x.db'], /whole number/],
		[['--stories', '10', '--database'], /needs a value/],
		[['--stories', '10', '--stories', '20', '--database', 'x.db'], /twice/],
		[['--stories', '10', '--database', 'x.db', '--fast'], /Unknown argument --fast/],
		[['--stories', '10', '--database', 'x.db', 'extra'], /Unknown argument extra/],
	])('refuses %j', (args, message) => {
		it('with a usage error that says what is wrong', () => {
			const parsed = parseSeedArguments(args);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.error).toMatch(message);
		});
	});
});

describe('parseScaleArguments', () => {
	it('reads the sizes ascending, without repeats, and --reuse', () => {
		expect(parseScaleArguments(['--stories', '100000,10000,100000', '--reuse'])).toEqual({
			ok: true,
			value: { stories: [10_000, 100_000], reuse: true, database: 'sqlite' },
		});
		expect(parseScaleArguments(['--stories=1000'])).toEqual({
			ok: true,
			value: { stories: [1000], reuse: false, database: 'sqlite' },
		});
	});

	it('reads --database in either spelling, sqlite when it is not given', () => {
		expect(parseScaleArguments(['--stories', '1000', '--database', 'postgres'])).toEqual({
			ok: true,
			value: { stories: [1000], reuse: false, database: 'postgres' },
		});
		expect(parseScaleArguments(['--database=sqlite', '--stories=1000', '--reuse'])).toEqual({
			ok: true,
			value: { stories: [1000], reuse: true, database: 'sqlite' },
		});
	});

	describe.each([
		[[], /--stories 10000,100000/],
		[['--stories', '10000,'], /not ""/],
		[['--stories', '10k'], /not "10k"/],
		[['--stories', '1000', '--reuse=yes'], /Unknown argument/],
		[['--database', 'postgres'], /--stories 10000,100000/],
		[['--stories', '1000', '--database', 'x.db'], /sqlite or postgres, not "x.db"/],
		[['--stories', '1000', '--database'], /--database needs a value/],
		[['--stories', '1000', '--database', 'sqlite', '--database', 'postgres'], /twice/],
		[['--stories', '1000', '--file', 'x.db'], /Unknown argument/],
	])('refuses %j', (args, message) => {
		it('with a usage error that says what is wrong', () => {
			const parsed = parseScaleArguments(args);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.error).toMatch(message);
		});
	});
});

describe('parseBenchEngine', () => {
	describe.each([
		['sqlite', 'sqlite'],
		['postgres', 'postgres'],
		['POSTGRES', 'postgres'],
		[' SQLite ', 'sqlite'],
	] as const)('reads %j', (text, engine) => {
		it(`as ${engine}`, () => {
			expect(parseBenchEngine(text)).toEqual({ ok: true, value: engine });
		});
	});

	describe.each(['', 'postgresql', 'pg', 'mysql', 'sqlite3'])('refuses %j', (text) => {
		it('naming the engines it takes', () => {
			const parsed = parseBenchEngine(text);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.error).toMatch(/--database must be sqlite or postgres/);
		});
	});
});
