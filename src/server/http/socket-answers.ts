/**
 * Answers the front door gives before, or instead of, a request Node could parse: methods the
 * site does not use, tunnels, malformed requests.
 */
import type { Duplex } from 'node:stream';

/** The methods the site answers; anything else is refused before it reaches Astro. */
export const HANDLED_METHODS = new Set(['GET', 'HEAD', 'POST']);
export const ALLOW = [...HANDLED_METHODS].join(', ');

/** Writes a bodiless answer straight to a socket Node's HTTP parser did not hand to us. */
function answerOnSocket(socket: Duplex, statusLine: string, headers: string[] = []): void {
	if (!socket.writable) return void socket.destroy();
	const head = [`HTTP/1.1 ${statusLine}`, ...headers, 'Connection: close', 'Content-Length: 0'];
	socket.end(`${head.join('\r\n')}\r\n\r\n`);
}

/** For the server's `connect` event: nothing here is a proxy, so `CONNECT` gets 405. */
export function refuseTunnel(socket: Duplex): void {
	answerOnSocket(socket, '405 Method Not Allowed', [`Allow: ${ALLOW}`]);
}

/**
 * For the server's `clientError` event: a method Node does not know gets 501 (Node's own
 * answer would be 400), other malformed requests what Node would send; a connection the
 * client dropped is just closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
	if (error.code === 'ECONNRESET') return void socket.destroy();
	const statusLine =
		error.code === 'HPE_INVALID_METHOD'
			? '501 Not Implemented'
			: error.code === 'HPE_HEADER_OVERFLOW'
				? '431 Request Header Fields Too Large'
				: error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
					? '408 Request Timeout'
					: '400 Bad Request';
	answerOnSocket(socket, statusLine);
}
