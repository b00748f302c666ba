/**
 * A small HTTP app on node:http, for the front door of `serve`: routes, a hook before the body is
 * read, JSON errors, listen (on a port or an adopted fd) and close. It replaces fastify, whose
 * module and boot were the largest part of serve's start-up left on the way to READY=1.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bodyUnread, HttpError, readJsonBody, readRawBody } from './body.js';
import { answerClientError } from './client-error.js';
import { createReply, type Reply } from './reply.js';
import { createRouter } from './router.js';
import { originForm, parseQuery } from './target.js';
import { HTTP_TIMEOUTS, KEEP_ALIVE_TIMEOUT_MS, type HttpTimeouts } from './timeouts.js';

/** One request as a handler sees it. */
export interface HttpRequest {
  /** GET, POST, ... */
  method: string;
  /** The raw URL (path and query). */
  url: string;
  /** The raw path, without the query. */
  path: string;
  /** The matched route's pattern (`/tasks/:id`), undefined when no route matched. */
  route: string | undefined;
  /** The path parameters, percent-decoded. */
  params: Record<string, string>;
  /** The query: a string per key, or an array when the key repeats. */
  query: Record<string, string | string[]>;
  /** The request headers. */
  headers: IncomingHttpHeaders;
  /** The body: parsed JSON (`json` routes), a Buffer (`raw` routes), else undefined. */
  body: unknown;
  /** The raw Node request. */
  raw: IncomingMessage;
}

/** A route handler: it sends through `reply`, or returns the payload to send. */
export type Handler = (req: HttpRequest, reply: Reply) => unknown;

/** How a route reads its body: parsed JSON (`json`, the default for POST), the raw bytes, or not at all. */
export type BodyMode = 'json' | 'raw' | 'none';

/** The app's behaviour around the routes. */
export interface HttpAppOptions {
  /** The largest body read, in bytes (413 past it). */
  bodyLimit: number;
  /** Runs for every request whose URL decodes, before its body is read; it may send (then nothing else runs). */
  onRequest?(req: HttpRequest, reply: Reply): void;
  /** Runs just before each response is sent (not for hijacked ones): e.g. to add a header. */
  beforeSend?(reply: Reply): void;
  /** A request no route matches. */
  notFound(req: HttpRequest, reply: Reply): void;
  /** An error a handler threw that is not an {@link HttpError} (answered 500 after this is called), or the server's own. */
  onInternalError?(error: unknown): void;
  /** The limits on a client's request (defaults: {@link HTTP_TIMEOUTS}). */
  timeouts?: Partial<HttpTimeouts>;
}

/** Where to listen: a host and port, or an fd already listening (socket activation). */
export type ListenTarget = { host: string; port: number } | { fd: number };

/** The app. */
export interface HttpApp {
  /** The Node HTTP server. */
  readonly server: Server;
  /** Add a GET route (HEAD too). */
  get(pattern: string, handler: Handler): void;
  /** Add a POST route; its body is read as `body` says (JSON unless told). */
  post(pattern: string, handler: Handler, body?: BodyMode): void;
  /** True when a route has this method and pattern. */
  hasRoute(method: string, pattern: string): boolean;
  /** Listen; resolves to the base URL (`http://127.0.0.1:8787`). */
  listen(target: ListenTarget): Promise<string>;
  /** Run `hook` first when the app closes (e.g. to close extra listeners). */
  onClose(hook: () => Promise<void>): void;
  /** Stop accepting, close idle keep-alive connections, and resolve once every connection has ended. */
  close(): Promise<void>;
}

interface RouteValue {
  handler: Handler;
  body: BodyMode;
}

/** Create the app (not listening yet). */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const router = createRouter<RouteValue>();
  const closeHooks: Array<() => Promise<void>> = [];
  const timeouts = { ...HTTP_TIMEOUTS, ...options.timeouts };
  const server = createServer(
    { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    // handle() answers its own errors; should answering one fail too, the connection is dropped rather than the process.
    (raw, res) => void handle(raw, res).catch(() => res.destroy()),
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // `Expect: 100-continue`: the request runs at once, and 100 Continue goes out only when its body
  // is about to be read, so a request refused first (401, 404, 413 by Content-Length) sends no body.
  server.on('checkContinue', (raw: IncomingMessage, res: ServerResponse) => server.emit('request', raw, res));
  server.on('clientError', answerClientError);
  let closing = false;
  let closed = false;
  server.once('close', () => {
    closed = true;
  });

  async function handle(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = createReply(res, (r) => {
      options.beforeSend?.(r);
      // Once closing, a kept-alive connection ends with this response, rather than idling until its timeout.
      if (closing) r.header('connection', 'close');
    });
    const url = originForm(raw.url ?? '/');
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const method = raw.method ?? 'GET';
    const match = router.find(method, path);
    if (match.kind === 'bad_url') {
      reply.code(match.status).send({ error: 'bad_request', message: match.message });
      return;
    }
    const req: HttpRequest = {
      method,
      url,
      path,
      route: match.kind === 'route' ? match.route.pattern : undefined,
      params: match.kind === 'route' ? match.params : {},
      query: mark === -1 ? {} : parseQuery(url.slice(mark + 1)),
      headers: raw.headers,
      body: undefined,
      raw,
    };
    try {
      options.onRequest?.(req, reply);
      if (reply.done) return;
      if (match.kind === 'none') {
        options.notFound(req, reply);
        return;
      }
      const { handler, body } = match.route.value;
      const start = (): void => {
        if (/^100-continue$/i.test(raw.headers.expect ?? '')) res.writeContinue();
      };
      if (body === 'json') req.body = await readJsonBody(raw, options.bodyLimit, start);
      else if (body === 'raw') req.body = await readRawBody(raw, options.bodyLimit, start);
      const result: unknown = await handler(req, reply);
      if (reply.done) return;
      if (result === undefined || result === reply) throw new Error(`route ${method} ${match.route.pattern} sent no reply`);
      reply.send(result);
    } catch (error) {
      answerError(error, reply);
    }
  }

  function answerError(error: unknown, reply: Reply): void {
    if (reply.done) {
      // Mid-stream (hijacked or piped): the status is out, so the connection is cut, and the error still reported.
      if (!(error instanceof HttpError)) options.onInternalError?.(error);
      if (!reply.raw.writableEnded) reply.raw.destroy();
      return;
    }
    // The body was not read to its end (413, a client gone): what is left of it cannot be told from a next request.
    if (bodyUnread(reply.raw.req)) reply.header('connection', 'close');
    if (error instanceof HttpError) {
      reply.code(error.statusCode).send({ error: error.error, message: error.message });
      return;
    }
    options.onInternalError?.(error);
    reply.code(500).send({ error: 'internal', message: 'Internal error' });
  }

  return {
    server,
    get: (pattern, handler) => router.add('GET', pattern, { handler, body: 'none' }),
    post: (pattern, handler, body = 'json') => router.add('POST', pattern, { handler, body }),
    hasRoute: (method, pattern) => router.has(method, pattern),
    listen: (target) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(target, () => {
          server.off('error', reject);
          // Once listening, a server error (an accept that fails: EMFILE) is reported, not thrown at the process.
          server.on('error', (error) => options.onInternalError?.(error));
          resolve(baseUrl(server));
        });
      }),
    onClose: (hook) => {
      closeHooks.push(hook);
    },
    async close() {
      closing = true;
      // http.Server#close stops accepting (if it still does) and drops the idle keep-alive
      // connections, those that extra listeners handed over included, before the hooks wait for
      // those listeners' connections to end; 'close' comes once the connections in flight have ended too.
      const ended = closed ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
      for (const hook of closeHooks) await hook();
      await ended;
    },
  };
}

// The base URL of a listening server, for callers (and tests) that listened on port 0.
function baseUrl(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') return `http://localhost`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
