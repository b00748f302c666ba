/**
 * Reading a request body: at most `limit` bytes (413 past it, answered before the rest is read),
 * and JSON only from an `application/json` request (415 for another content type). A key that
 * would set an object's prototype (`__proto__`, `constructor.prototype`) is refused, as fastify
 * did, but with a message that says so.
 */
import type { IncomingMessage } from 'node:http';

/** An HTTP error a route or the body reader raises: its status, code and message become the JSON answer. */
export class HttpError extends Error {
  /**
   * @param statusCode The HTTP status.
   * @param error The machine-readable `error` field (`bad_request`, `too_large`, ...).
   * @param message The human-readable message.
   */
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

/** The media type of a content-type header, lower-cased, without parameters (`''` when absent). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Read the whole body as bytes, refusing more than `limit`. Past the limit it stops collecting
 * but leaves the request flowing, so the 413 can still be written (the app then closes the
 * connection); a client that goes away mid-body is a 400 `aborted`, not an internal error.
 * `start` runs once the body is going to be read, past the Content-Length check (the app sends
 * `100 Continue` then).
 */
export function readRawBody(req: IncomingMessage, limit: number, start?: () => void): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  if (req.destroyed) return Promise.reject(aborted());
  start?.();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: HttpError): void => {
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
      if (error === undefined) resolve(Buffer.concat(chunks, size));
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) settle(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    const onAbort = (): void => settle(aborted());
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort);
  });
}

/**
 * The JSON body: undefined when the request has no body and no content type; 415 for a body of
 * another type; 400 for an empty or broken JSON body.
 */
export async function readJsonBody(req: IncomingMessage, limit: number, start?: () => void): Promise<unknown> {
  const type = mediaType(req.headers['content-type']);
  const raw = await readRawBody(req, limit, start);
  if (type === '' && raw.length === 0) return undefined;
  if (type !== 'application/json')
    throw new HttpError(415, 'unsupported_media_type', `Expected content-type application/json, got ${JSON.stringify(type)}`);
  if (raw.length === 0) throw new HttpError(400, 'bad_request', 'Body is empty, but content-type is application/json');
  return parseJson(decodeUtf8(raw));
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a JSON body; bytes that are not UTF-8 (RFC 8259 requires it) are a 400, not silently replaced. */
export function decodeUtf8(raw: Buffer): string {
  try {
    return UTF8.decode(raw);
  } catch {
    throw new HttpError(400, 'bad_request', 'Body is not valid UTF-8');
  }
}

/** JSON.parse, refusing prototype keys; a syntax error is a 400 naming it. */
export function parseJson(text: string): unknown {
  try {
    // A reviver is slower: only a body that mentions a prototype key (or escapes one) gets it.
    return /__proto__|constructor|\\u/.test(text) ? JSON.parse(text, refusePrototypeKeys) : JSON.parse(text);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'bad_request', `Body is not valid JSON: ${(error as Error).message}`);
  }
}

function refusePrototypeKeys(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype')))
    throw new HttpError(
      400,
      'bad_request',
      `Body holds a "${key === '__proto__' ? '__proto__' : 'constructor.prototype'}" key, which is refused`,
    );
  return value;
}

function aborted(): HttpError {
  return new HttpError(400, 'aborted', 'The request body ended before its declared end');
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'too_large', `Request body is larger than ${limit} bytes`);
}

/** True when the request announced a body (Content-Length > 0, or chunked) that has not all arrived. */
export function bodyUnread(req: IncomingMessage): boolean {
  return !req.complete && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);
}
