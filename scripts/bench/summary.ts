/**
 * The end of a bench run: everything it found in one object, printed for a reader
 * (with the table and the targets from report.ts) and written to `bench-results/` as JSON.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../build.ts';
import type { LoadGenerator } from './load.ts';
import {
	formatInProcessSearch,
	formatTable,
	formatTargets,
	type BenchRow,
	type InProcessSearch,
	type TargetResult,
} from './report.ts';

export interface BenchSummary {
	date: string;
	machine: ReturnType<typeof machineDescription>;
	code: ReturnType<typeof codeVersion>;
	/** The database engine the server ran on, and its version. */
	engine: { name: string; version: string };
	loadGenerator: LoadGenerator;
	options: {
		stories: number;
		connections: number[];
		searchConnections: number[];
		durationSeconds: number;
		cases: string[];
		database: string;
		warmupSeconds: number;
	};
	seedingSeconds: number;
	paths: { communityStory: string; curatedStory: string; storiesPage: string };
	searches: { query: string; path: string; hits: number | null }[];
	firstSearchMs: number;
	distinctQueries: {
		listLength: number;
		drawn: number;
		responses: number;
		distinctSent: number;
		pageCacheHits: number;
	};
	inProcessSearch: InProcessSearch;
	submissions: { answeredWithReceipt: number; stored: number };
	baselineBytes: number;
	rows: BenchRow[];
	targets: TargetResult[];
	serverOutput: string;
}

export function machineDescription() {
	const cpus = os.cpus();
	return {
		os: `${os.type()} ${os.release()} (${os.arch()})`,
		cpus: cpus.length,
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		totalMemoryBytes: os.totalmem(),
		node: process.version,
		/** Other work on the machine skews the numbers: 1, 5 and 15 minute load averages. */
		loadAverageAtStart: os.loadavg().map((load) => Number(load.toFixed(2))),
	};
}

/**
 * The code measured: the commit, and whether the site's sources differed from it when the
 * run began (the build and the server are made from the working tree). `null` outside git.
 */
export function codeVersion(): { commit: string; uncommittedChanges: boolean } | null {
	try {
		const git = (...args: string[]) =>
			execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: 'pipe' }).trim();
		return {
			commit: git('rev-parse', '--short', 'HEAD'),
			uncommittedChanges:
				git('status', '--porcelain', '--', 'src', 'db', 'content', 'public', 'scripts/serve.ts') !==
				'',
		};
	} catch {
		return null;
	}
}

function gibibytes(bytes: number): string {
	return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Prints `summary` for a reader: the machine, the table, the notes and the targets. */
export function printSummary(summary: BenchSummary): void {
	const { connections, searchConnections } = summary.options;
	const latencyConnections = Math.min(...searchConnections, ...connections);
	console.log('');
	console.log(
		`${summary.machine.cpus} × ${summary.machine.cpuModel}, ${gibibytes(summary.machine.totalMemoryBytes)}, ` +
			`Node ${summary.machine.node}, ${summary.engine.name} ${summary.engine.version}, ${summary.options.stories.toLocaleString('en-US')} synthetic stories, ` +
			`${summary.options.durationSeconds} s per case, load from ${summary.loadGenerator}, load average at start ` +
			summary.machine.loadAverageAtStart.join(' ') +
			(summary.code
				? `, commit ${summary.code.commit}${summary.code.uncommittedChanges ? ' with uncommitted changes to the site' : ''}`
				: ''),
	);
	console.log('');
	console.log(formatTable(summary.rows));
	console.log('');
	console.log(
		'requests/s: mean per second; p50/p99: latency in ms; errors: connection errors and ' +
			'timeouts, non-2xx answers, submissions without a receipt code; vs baseline: ' +
			'requests/s ÷ the baseline’s at the same connection count (for a page, the ' +
			'baseline run just before it; the baseline row is its first run).',
	);
	console.log(
		`Search: p99 per request at ${latencyConnections} connection${latencyConnections === 1 ? '' : 's'}; ` +
			'at higher connection counts latency is queueing on one process. The fixed queries ' +
			'are answered from the page cache after their first request; the distinct-queries ' +
			'case misses it every time and runs the real full-text search.',
	);
	console.log(
		`Distinct queries: ${summary.distinctQueries.responses.toLocaleString('en-US')} answers ` +
			`(warm-ups included) to ${summary.distinctQueries.distinctSent.toLocaleString('en-US')} ` +
			`different queries sent (${summary.distinctQueries.drawn.toLocaleString('en-US')} drawn from a shuffled list of ` +
			`${summary.distinctQueries.listLength.toLocaleString('en-US')}); page-cache hits among them: ` +
			`${summary.distinctQueries.pageCacheHits.toLocaleString('en-US')}.`,
	);
	console.log('');
	console.log(formatInProcessSearch(summary.inProcessSearch));
	// A request still in flight when a run stops is stored, but its answer is not counted:
	// up to one per connection per run (warm-up and measurement). Fewer rows than answers
	// would mean stories folded together or silently dropped.
	console.log(
		`Submissions: ${summary.submissions.stored.toLocaleString('en-US')} stored, ` +
			`${summary.submissions.answeredWithReceipt.toLocaleString('en-US')} answered with a receipt code` +
			(summary.submissions.stored < summary.submissions.answeredWithReceipt
				? ' — FEWER STORED THAN ANSWERED.'
				: '.'),
	);
	const serverOutput = summary.serverOutput;
	if (serverOutput) {
		console.log('');
		console.log('The server printed during the run (last 40 lines):');
		console.log(serverOutput.split('\n').slice(-40).join('\n'));
		const errorLines = serverOutput.split('\n').filter((line) => line.includes('[ERROR]'));
		if (errorLines.length > 0 && errorLines.every((line) => line.endsWith('Error: aborted'))) {
			console.log(
				`(${errorLines.length} × “Error: aborted”: requests cut off when a run ended; ` +
					'the load generator closes its connections with requests still in flight.)',
			);
		}
	}
	console.log('');
	console.log('Targets:');
	console.log(formatTargets(summary.targets));
}

/** Writes `summary` to `bench-results/bench-<timestamp>.json`; returns the file's path. */
export function writeSummary(summary: BenchSummary): string {
	const resultsFolder = resolve(PROJECT_ROOT, 'bench-results');
	mkdirSync(resultsFolder, { recursive: true });
	const resultsPath = join(resultsFolder, `bench-${summary.date.replace(/[:.]/g, '-')}.json`);
	writeFileSync(resultsPath, `${JSON.stringify(summary, null, '\t')}\n`);
	return resultsPath;
}
