/**
 * A load run with wrk (the Debian package), as its own process. A Lua script written for
 * the run builds the varying requests, tallies what the bench needs from the answers, and
 * prints one JSON line from `done()`, which is what is read here (not wrk's own text).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { LoadPlan, LoadResult } from './load.ts';

const RESULT_PREFIX = 'WRK_RESULT ';

/** autocannon's default: a slow search is an answer, not a timeout. */
const TIMEOUT_SECONDS = 10;

/**
 * One wrk thread per two cores: on a small machine the server under test needs the rest.
 * More connections than threads is wrk's rule.
 */
function threadsFor(connections: number): number {
	return Math.max(1, Math.min(connections, Math.floor(os.cpus().length / 2)));
}

/** A Lua string literal; the bench sends only printable ASCII (paths and forms are encoded). */
function luaString(text: string): string {
	if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`Not printable ASCII: ${text.slice(0, 80)}`);
	return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** LuaJIT allows 65,536 constants a function: long lists are built in chunks. */
function luaList(items: readonly string[]): string {
	const chunks: string[] = [];
	for (let start = 0; start < items.length; start += 10_000) {
		const chunk = items
			.slice(start, start + 10_000)
			.map(luaString)
			.join(',\n');
		chunks.push(`append((function() return {\n${chunk}\n} end)())`);
	}
	return chunks.join('\n');
}

function wrkScript(plan: LoadPlan, threads: number): string {
	const variants = plan.variants;
	const wantsResponse = Boolean(plan.countPageCache || plan.bodyMustContain);
	const headers = Object.entries(plan.headers ?? {})
		.map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
		.join('\n');
	return `-- Written by scripts/bench/load-wrk.ts for one run.
wrk.method = ${luaString(plan.method)}
wrk.path = ${luaString(plan.path)}
${headers}

local variants = {}
local function append(list) for _, item in ipairs(list) do variants[#variants + 1] = item end end
${variants ? luaList(variants.list) : ''}
local varyBody = ${variants?.part === 'body'}
local appendNumber = ${variants?.appendNumber ?? false}
local firstNumber = ${variants?.firstNumber ?? 0}
local stride = ${threads}
local countPageCache = ${Boolean(plan.countPageCache)}
local marker = ${plan.bodyMustContain ? luaString(plan.bodyMustContain) : 'nil'}

local threads = {}
function setup(thread)
  thread:set("threadIndex", #threads)
  table.insert(threads, thread)
end

function init(args)
  drawn, hits, misses, matched, mismatched, statuses = 0, 0, 0, 0, 0, {}
end

${
	variants
		? `function request()
  -- Threads take turns through the numbers, so no two requests of the run are alike.
  local number = firstNumber + threadIndex + drawn * stride
  drawn = drawn + 1
  local item = variants[(number % #variants) + 1]
  if appendNumber then item = item .. string.format("%d", number) end
  if varyBody then return wrk.format(nil, nil, nil, item) end
  return wrk.format(nil, item)
end`
		: ''
}

${
	wantsResponse
		? `function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if countPageCache then
    local cache = headers["X-Page-Cache"] or headers["x-page-cache"]
    if cache == "hit" then hits = hits + 1 elseif cache == "miss" then misses = misses + 1 end
  end
  if marker then
    if body and string.find(body, marker, 1, true) then matched = matched + 1
    else mismatched = mismatched + 1 end
  end
end`
		: ''
}

function done(summary, latency, requests)
  local sum = { hits = 0, misses = 0, matched = 0, mismatched = 0, maxDrawn = 0 }
  local codes = {}
  for _, thread in ipairs(threads) do
    for _, name in ipairs({ "hits", "misses", "matched", "mismatched" }) do
      sum[name] = sum[name] + thread:get(name)
    end
    sum.maxDrawn = math.max(sum.maxDrawn, thread:get("drawn"))
    for code, count in pairs(thread:get("statuses")) do
      codes[#codes + 1] = string.format('"%d":%d', code, count)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '${RESULT_PREFIX}{"durationUs":%.0f,"requests":%.0f,"bytes":%.0f,' ..
    '"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f,' ..
    '"p50Us":%.0f,"p99Us":%.0f,"meanUs":%.3f,"hits":%.0f,"misses":%.0f,' ..
    '"matched":%.0f,"mismatched":%.0f,"maxDrawn":%.0f,"sawAnswers":%s,"statusCodes":{%s}}\\n',
    summary.duration, summary.requests, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, sum.hits, sum.misses,
    sum.matched, sum.mismatched, sum.maxDrawn, ${wantsResponse}, table.concat(codes, ",")))
end
`;
}

interface WrkSummary {
	durationUs: number;
	requests: number;
	bytes: number;
	connect: number;
	read: number;
	write: number;
	status: number;
	timeout: number;
	p50Us: number;
	p99Us: number;
	meanUs: number;
	hits: number;
	misses: number;
	matched: number;
	mismatched: number;
	maxDrawn: number;
	sawAnswers: boolean;
	statusCodes: Record<string, number>;
}

function runProcess(args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('error', reject);
		child.once('exit', (code) =>
			code === 0 ? resolve(output) : reject(new Error(`wrk exited ${code}:\n${output}`)),
		);
	});
}

export async function runWrk(plan: LoadPlan): Promise<LoadResult> {
	const threads = threadsFor(plan.connections);
	const folder = mkdtempSync(join(os.tmpdir(), 'common-thread-wrk-'));
	try {
		const scriptPath = join(folder, 'run.lua');
		writeFileSync(scriptPath, wrkScript(plan, threads));
		const output = await runProcess([
			`--threads=${threads}`,
			`--connections=${plan.connections}`,
			`--duration=${plan.durationSeconds}s`,
			`--timeout=${TIMEOUT_SECONDS}s`,
			`--script=${scriptPath}`,
			new URL(plan.path, plan.baseUrl).href,
		]);
		const line = output.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
		if (!line) throw new Error(`wrk printed no result line:\n${output}`);
		return toLoadResult(JSON.parse(line.slice(RESULT_PREFIX.length)) as WrkSummary, plan, threads);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

function toLoadResult(summary: WrkSummary, plan: LoadPlan, threads: number): LoadResult {
	const seconds = summary.durationUs / 1e6;
	const answered = summary.requests;
	// Without a response hook wrk only counts answers of 400 and above (`errors.status`).
	const statusCodes = summary.sawAnswers
		? summary.statusCodes
		: { '<400': answered - summary.status, '≥400': summary.status };
	const non2xx = summary.sawAnswers
		? Object.entries(summary.statusCodes)
				.filter(([code]) => !code.startsWith('2'))
				.reduce((sum, [, count]) => sum + count, 0)
		: summary.status;
	return {
		requestsPerSecond: answered / seconds,
		latencyP50Ms: summary.p50Us / 1000,
		latencyP99Ms: summary.p99Us / 1000,
		latencyAverageMs: summary.meanUs / 1000,
		requestsCompleted: answered,
		durationSeconds: seconds,
		bytesPerSecond: summary.bytes / seconds,
		connectionErrors: summary.connect + summary.read + summary.write + summary.timeout,
		timeouts: summary.timeout,
		non2xx,
		mismatches: summary.mismatched,
		statusCodes,
		pageCacheHits: summary.hits,
		pageCacheMisses: summary.misses,
		bodiesMatched: summary.matched,
		// Thread t used firstNumber + t + k × threads for k below its count of requests drawn.
		nextNumber: (plan.variants?.firstNumber ?? 0) + summary.maxDrawn * threads,
	};
}
