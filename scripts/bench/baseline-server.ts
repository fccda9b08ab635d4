/**
 * The benchmark's baseline: a bare `node:http` server that answers every request with the
 * same bytes (body and Content-Type), read once from a file at start. It runs as its own
 * process, so it gets a core to itself as the real server does, instead of sharing the
 * event loop with the load generator.
 *
 *   BASELINE_BODY_PATH=<file> BASELINE_CONTENT_TYPE=<type> node scripts/bench/baseline-server.ts
 *
 * Prints `listening on http://127.0.0.1:<port>` once it accepts connections.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bodyPath = process.env.BASELINE_BODY_PATH;
if (!bodyPath) throw new Error('BASELINE_BODY_PATH is not set.');
const body = readFileSync(bodyPath);
const contentType = process.env.BASELINE_CONTENT_TYPE || 'text/html';

const server = createServer((request, response) => {
	// Drain any request body so that keep-alive connections stay usable.
	request.resume();
	response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
	response.end(body);
});

server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	console.log(`Baseline is listening on http://127.0.0.1:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		server.close(() => process.exit(0));
		server.closeAllConnections();
	});
}
