/** The time limits of the HTTP app's connections. */

/**
 * How long a client may take to send a request. They bound only the request: a response that
 * streams (SSE, a followed log) is never cut by them, and neither is an idle keep-alive
 * connection (the keep-alive timeout is fastify's 72 s).
 */
export interface HttpTimeouts {
  /** From the start of a request to the end of its headers (a slowloris client), ms. */
  headersMs: number;
  /** From the start of a request to the end of its body, ms. */
  requestMs: number;
  /** How often Node checks the two above, ms. */
  checkEveryMs: number;
}

/**
 * Node 20's defaults, pinned here so that a Node upgrade does not change them unseen. fastify set
 * no request limit at all (`requestTimeout: 0`): a body trickled in could hold a connection forever.
 */
export const HTTP_TIMEOUTS: Readonly<HttpTimeouts> = { headersMs: 60_000, requestMs: 300_000, checkEveryMs: 30_000 };

/** fastify's default, kept: a client's idle keep-alive connection stays open 72 s. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;
