/**
 * The answer to one request: a status, headers and a payload, sent once. A plain value is sent
 * as JSON, a string as text, a Buffer as bytes and a readable stream piped; a handler that takes
 * the raw response over (SSE, a followed log) calls {@link Reply.hijack} and writes it itself.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline, type Readable } from 'node:stream';

/** The reply a route handler builds. Every setter returns the reply, so calls chain. */
export interface Reply {
  /** The raw Node response (after {@link Reply.hijack}, the handler's alone). */
  readonly raw: ServerResponse;
  /** Set the status code. */
  code(status: number): Reply;
  /** Set a header (names are case-insensitive). */
  header(name: string, value: string): Reply;
  /** Set the content type. */
  type(contentType: string): Reply;
  /** Send the payload and end the response; a second send is ignored. */
  send(payload?: unknown): Reply;
  /** The handler writes the raw response itself: nothing is sent for it. */
  hijack(): void;
  /** True once sent or hijacked. */
  readonly done: boolean;
}

/** Create the reply for `raw`; `beforeSend` may add headers to every response this reply sends. */
export function createReply(raw: ServerResponse, beforeSend: (reply: Reply) => void): Reply {
  let status = 200;
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  let done = false;
  const reply: Reply = {
    raw,
    get done() {
      return done || raw.headersSent;
    },
    code(s) {
      status = s;
      return reply;
    },
    header(name, value) {
      headers[name.toLowerCase()] = value;
      return reply;
    },
    type: (contentType) => reply.header('content-type', contentType),
    hijack() {
      done = true;
    },
    send(payload) {
      if (reply.done) return reply;
      beforeSend(reply);
      done = true;
      raw.statusCode = status;
      const stream = isReadable(payload) ? payload : null;
      const body = stream === null ? encode(payload, headers) : null;
      if (stream !== null) headers['content-type'] ??= 'application/octet-stream';
      if (body !== null) headers['content-length'] = String(body.length);
      for (const [name, value] of Object.entries(headers)) raw.setHeader(name, value);
      // pipeline: a read error, or the client going away, destroys both ends (no file left open).
      if (stream !== null) pipeline(stream, raw, () => undefined);
      else raw.end(body);
      return reply;
    },
  };
  return reply;
}

/**
 * Take the response over to stream it (SSE, a followed log): the 200 and `headers` are written
 * at once. Returns false for a HEAD request, whose response then ends with its headers: Node
 * writes no body for HEAD and flushes no headers until the end, so a stream would never answer.
 */
export function openStream(reply: Reply, headers: OutgoingHttpHeaders): boolean {
  reply.hijack();
  reply.raw.writeHead(200, headers);
  if (reply.raw.req.method !== 'HEAD') return true;
  reply.raw.end();
  return false;
}

// The bytes of a payload, setting the content type it implies unless one is set.
function encode(payload: unknown, headers: Record<string, string>): Buffer {
  if (Buffer.isBuffer(payload)) {
    headers['content-type'] ??= 'application/octet-stream';
    return payload;
  }
  if (typeof payload === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    return Buffer.from(payload, 'utf8');
  }
  if (payload === undefined) return Buffer.alloc(0);
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

function isReadable(payload: unknown): payload is Readable {
  return typeof payload === 'object' && payload !== null && typeof (payload as Readable).pipe === 'function';
}
