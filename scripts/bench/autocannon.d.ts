/**
 * The part of autocannon's programmatic API the benchmark uses (the package ships no
 * types). See node_modules/autocannon/README.md.
 */
declare module 'autocannon' {
	interface AutocannonRequest {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
		/** Called before each request is sent; returns the request to send. */
		setupRequest?: (
			request: AutocannonRequest,
			context: Record<string, unknown>,
		) => AutocannonRequest | null | undefined;
		/** Called with each answer to this request (header names as the server sent them). */
		onResponse?: (
			status: number,
			body: string,
			context: Record<string, unknown>,
			headers: Record<string, string | string[]>,
		) => void;
	}

	interface AutocannonOptions {
		url: string;
		connections?: number;
		/** Seconds. */
		duration?: number;
		/** Seconds before a request counts as timed out. */
		timeout?: number;
		method?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
		requests?: AutocannonRequest[];
		/** A run before the measured one, with these options overriding the others. */
		warmup?: { connections?: number; duration?: number };
		/** A response whose body fails this counts as a mismatch. */
		verifyBody?: (body: string) => boolean;
	}

	/** Percentiles and summary statistics of a histogram. */
	interface AutocannonHistogram {
		average: number;
		mean: number;
		stddev: number;
		min: number;
		max: number;
		total: number;
		p50: number;
		p90: number;
		p99: number;
		[percentile: string]: number;
	}

	interface AutocannonResult {
		url: string;
		connections: number;
		/** Seconds. */
		duration: number;
		/** Connection errors, including timeouts. */
		errors: number;
		timeouts: number;
		mismatches: number;
		non2xx: number;
		resets: number;
		'1xx': number;
		'2xx': number;
		'3xx': number;
		'4xx': number;
		'5xx': number;
		statusCodeStats: Record<string, { count: number }>;
		/** Milliseconds. */
		latency: AutocannonHistogram;
		/** Per second, sampled every second. */
		requests: AutocannonHistogram & { sent: number };
		/** Bytes per second, sampled every second. */
		throughput: AutocannonHistogram;
		/** Present when a warm-up ran first. */
		warmup?: AutocannonResult;
	}

	function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
	export default autocannon;
	export type { AutocannonOptions, AutocannonRequest, AutocannonResult };
}
