/**
 * Requests Node's HTTP parser refuses before any route sees them: both Content-Length and
 * Transfer-Encoding, a duplicate Content-Length, a lowercase method, headers past the size
 * limit, headers or a body that take too long. fastify answered them in JSON; so does the app.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Answer a request Node's parser refused (bad framing, a header too large, a timeout; the
 * server's `clientError`) in the app's JSON shape, then drop the connection. Nothing is written
 * once a response has begun on that connection, as Node does, so a kept-alive stream is never corrupted.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'bad_request', 'The request is not valid HTTP/1.1'];
  if (error.code !== 'ECONNRESET' && socket.writable && (socket as Socket).bytesWritten === 0) {
    const body = JSON.stringify({ error: code, message });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

// Status, `error` and message by Node's error code; any other refusal is a 400.
const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'too_large', 'The request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'timeout', 'The request took too long to arrive'],
};
