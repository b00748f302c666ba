/**
 * The HTTP app of `serve`: JSON API, SSE, webhook, health. Bad bodies get 400 with a reason, bodies
 * are size-limited, a bearer token is required when configured. While the service drains, new
 * work is stored for the next instance (intake `defer`) or answered 503 with Retry-After
 * (`refuse`). Once the hand-over begins, every response says `Connection: close`, so clients
 * take their next request to the next instance.
 */
import { bearerMatches, tokenMatches } from './auth.js';
import { DASHBOARD_PUBLIC_PATHS, registerDashboardRoutes } from './dashboard-route.js';
import type { ServerDeps } from './deps.js';
import { createHttpApp, type HttpApp } from './http/app.js';
import { openStream } from './http/reply.js';
import { parseLastEventId } from './sse-frame.js';
import { registerOutputRoute } from './output-route.js';
import { registerTaskRoutes } from './task-routes.js';
import { registerWebhookRoute } from './webhook-route.js';

const MUTATING = new Set(['/task', '/webhook/forgejo', '/cancel/:id']);
/** Seconds a client should wait before retrying while the service drains. */
export const RETRY_AFTER_S = 5;

/** Build the server (not listening yet). */
export function buildServer(deps: ServerDeps): HttpApp {
  const app = createHttpApp({
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    onRequest: (req, reply) => {
      // The matched route, not the raw URL: `/%74ask` routes to /task too.
      const path = req.route ?? req.path;
      if (deps.intake() === 'refuse' && ((req.method === 'POST' && MUTATING.has(path)) || path === '/events')) {
        reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_S))
          .header('connection', 'close')
          .send({ error: 'draining', message: 'The service is shutting down; retry shortly' });
        return;
      }
      if (
        deps.token !== undefined &&
        deps.token !== '' &&
        path !== '/healthz' &&
        path !== '/webhook/forgejo' &&
        !DASHBOARD_PUBLIC_PATHS.has(path) &&
        !bearerMatches(req.headers.authorization, deps.token) &&
        !eventStreamToken(path, req.query, deps.token)
      )
        reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'Missing or wrong bearer token' });
    },
    // Closing stops accepting and drops idle keep-alive connections; requests in flight finish,
    // and late ones on a kept-alive connection are answered with Connection: close, not 503.
    beforeSend: (reply) => {
      if (deps.closing()) reply.header('connection', 'close');
    },
    notFound: (req, reply) => reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.path}` }),
    onInternalError: (error) => deps.log(`http error: ${error instanceof Error ? error.message : String(error)}`),
  });

  registerTaskRoutes(app, deps);
  registerWebhookRoute(app, deps);
  registerOutputRoute(app, deps);
  registerDashboardRoutes(app, deps);

  app.get('/healthz', async (_req, reply) => {
    const h = await deps.health();
    return reply.code(h.ok ? 200 : 503).send(h);
  });

  app.get('/events', (req, reply) => {
    if (!openStream(reply, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })) return;
    reply.raw.write(': hooksctl events\n\n');
    const remove = deps.hub.add(reply.raw, parseLastEventId(req.headers['last-event-id'] ?? req.query['last_event_id']));
    req.raw.on('close', remove);
  });

  return app;
}

/**
 * EventSource cannot send headers, so `/events` alone also takes the token as `?token=`. Only
 * that read-only stream does: a URL token on a POST could be replayed from a link, and a cookie
 * would let any page the operator visits post a cancel (CSRF). The service logs no URLs.
 */
function eventStreamToken(path: string, query: unknown, token: string): boolean {
  if (path !== '/events') return false;
  const given = (query as Record<string, unknown> | undefined)?.['token'];
  return typeof given === 'string' && tokenMatches(given, token);
}
