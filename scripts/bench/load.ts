/**
 * One load run, whichever program generates it: wrk when it is installed (its own process,
 * written in C, so it does not cap what it measures), else autocannon inside this process.
 */
import { execFileSync } from 'node:child_process';
import { runAutocannon } from './load-autocannon.ts';
import { runWrk } from './load-wrk.ts';

export type LoadGenerator = 'wrk' | 'autocannon';

/** What one run sends: one request, or one that differs from the next (`variants`). */
export interface LoadPlan {
	/** The base URL of the server; `path` is the request's when there are no path variants. */
	baseUrl: string;
	method: 'GET' | 'POST';
	path: string;
	headers?: Readonly<Record<string, string>>;
	connections: number;
	durationSeconds: number;
	/**
	 * Request number `n` (counted from `firstNumber` over every run of a case, so no two
	 * requests of a bench run are alike) sends `list[n % list.length]` as its path or body,
	 * with `n` appended when `appendNumber` is set.
	 */
	variants?: {
		part: 'path' | 'body';
		list: readonly string[];
		appendNumber: boolean;
		firstNumber: number;
	};
	/** Tally the answers' `X-Page-Cache` header. */
	countPageCache?: boolean;
	/** An answer whose body lacks this text is a mismatch (an error). */
	bodyMustContain?: string;
}

export interface LoadResult {
	requestsPerSecond: number;
	latencyP50Ms: number;
	latencyP99Ms: number;
	latencyAverageMs: number;
	requestsCompleted: number;
	durationSeconds: number;
	bytesPerSecond: number;
	/** Connection, read and write errors, timeouts included. */
	connectionErrors: number;
	timeouts: number;
	/** Answers outside 2xx (autocannon) or of 400 and above (wrk without a response hook). */
	non2xx: number;
	mismatches: number;
	/** By status code where the generator saw each answer; otherwise by class (`<400`, `≥400`). */
	statusCodes: Record<string, number>;
	pageCacheHits: number;
	pageCacheMisses: number;
	/** Answers whose body held `bodyMustContain`. */
	bodiesMatched: number;
	/** The `firstNumber` for the case's next run: above every number this run used. */
	nextNumber: number;
}

/** wrk when it is on PATH, else autocannon. */
export function chooseLoadGenerator(): LoadGenerator {
	try {
		execFileSync('wrk', ['--version'], { stdio: 'ignore' });
		return 'wrk';
	} catch (error) {
		// wrk prints its usage and exits 1 for `--version`: on PATH all the same.
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'autocannon' : 'wrk';
	}
}

export function runLoad(generator: LoadGenerator, plan: LoadPlan): Promise<LoadResult> {
	return generator === 'wrk' ? runWrk(plan) : runAutocannon(plan);
}

/** The `index`-th variant of `plan` (path or body), as both generators build it. */
export function variantAt(variants: NonNullable<LoadPlan['variants']>, number: number): string {
	const item = variants.list[number % variants.list.length]!;
	return variants.appendNumber ? `${item}${number}` : item;
}
