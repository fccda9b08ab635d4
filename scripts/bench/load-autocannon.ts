/**
 * A load run with autocannon, inside the bench process: the fallback when wrk is not
 * installed. It shares the event loop with the bench, so it caps the fastest cases.
 */
import autocannon from 'autocannon';
import { variantAt, type LoadPlan, type LoadResult } from './load.ts';

export async function runAutocannon(plan: LoadPlan): Promise<LoadResult> {
	let number = plan.variants?.firstNumber ?? 0;
	let pageCacheHits = 0;
	let pageCacheMisses = 0;
	let bodiesMatched = 0;
	const variants = plan.variants;
	const request: autocannon.Request = {
		method: plan.method,
		path: plan.path,
		...(plan.headers && { headers: { ...plan.headers } }),
		...(variants && {
			setupRequest: (base: autocannon.Request) => {
				const variant = variantAt(variants, number++);
				return variants.part === 'path' ? { ...base, path: variant } : { ...base, body: variant };
			},
		}),
		...(plan.countPageCache && {
			onResponse: (_status: number, _body: string, _context: object, headers = {}) => {
				for (const [name, value] of Object.entries(headers)) {
					if (name.toLowerCase() !== 'x-page-cache') continue;
					if (String(value) === 'hit') pageCacheHits += 1;
					if (String(value) === 'miss') pageCacheMisses += 1;
				}
			},
		}),
	};
	const marker = plan.bodyMustContain;
	const result = await autocannon({
		url: new URL(plan.path, plan.baseUrl).href,
		connections: plan.connections,
		duration: plan.durationSeconds,
		requests: [request],
		...(marker && {
			verifyBody: (body: unknown) => {
				const matched = String(body).includes(marker);
				if (matched) bodiesMatched += 1;
				return matched;
			},
		}),
	});
	const statusCodes = Object.fromEntries(
		Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
	);
	return {
		requestsPerSecond: result.requests.average,
		latencyP50Ms: result.latency.p50,
		latencyP99Ms: result.latency.p99,
		latencyAverageMs: result.latency.average,
		requestsCompleted: result.requests.total,
		durationSeconds: result.duration,
		bytesPerSecond: result.throughput.average,
		// autocannon's `errors` already include its `timeouts`.
		connectionErrors: result.errors,
		timeouts: result.timeouts,
		non2xx: result.non2xx,
		mismatches: result.mismatches,
		statusCodes,
		pageCacheHits,
		pageCacheMisses,
		bodiesMatched,
		nextNumber: number,
	};
}
