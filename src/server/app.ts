/**
 * The fastify app: JSON API, SSE, webhook, health. Bad bodies get 400 with a reason, bodies
 * are size-limited, a bearer token is required when configured. While the service drains, new
 * work is stored for the next instance (intake `defer`) or answered 503 with Retry-After
 * (`refuse`). Once the hand-over begins, every response says `Connection: close`, so clients
 * take their next request to the next instance.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { bearerMatches, tokenMatches } from './auth.js';
import { DASHBOARD_PUBLIC_PATHS, registerDashboardRoutes } from './dashboard-route.js';
import type { ServerDeps } from './deps.js';
import { parseLastEventId } from './sse-frame.js';
import { registerOutputRoute } from './output-route.js';
import { registerTaskRoutes } from './task-routes.js';
import { registerWebhookRoute } from './webhook-route.js';
import { zodSchemaController } from './zod-compilers.js';

const MUTATING = new Set(['/task', '/webhook/forgejo', '/cancel/:id']);
/** Seconds a client should wait before retrying while the service drains. */
export const RETRY_AFTER_S = 5;

/**
 * Start loading fastify now, so that its module (the largest on the way to READY=1) is read and
 * compiled while the store opens; {@link buildServer} then awaits the same module. A failure
 * surfaces there.
 */
export function preloadServer(): void {
  import('fastify').catch(() => undefined);
}

/** Build the server (not listening yet). */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { default: fastify } = await import('fastify');
  const app = fastify({
    logger: false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    // Closing stops accepting and drops idle keep-alive connections; requests in flight finish,
    // and late ones on a kept-alive connection are answered (with Connection: close), not 503.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    schemaController: zodSchemaController,
    // A URL fastify cannot route (bad percent-encoding: 400, a path parameter over its limit: 414)
    // gets the same JSON error shape as every other error, with fastify's status.
    frameworkErrors: (error, _req, reply) => {
      const status = error.statusCode ?? 400;
      return (reply as FastifyReply)
        .code(status)
        .send({ error: status >= 500 ? 'internal' : 'bad_request', message: status >= 500 ? 'Internal error' : error.message });
    },
  });

  app.addHook('onRequest', async (req, reply) => {
    // The matched route, not the raw URL: `/%74ask` routes to /task too.
    const path = req.routeOptions.url ?? req.url.split('?')[0] ?? '';
    if (deps.intake() === 'refuse' && ((req.method === 'POST' && MUTATING.has(path)) || path === '/events')) {
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_S))
        .header('connection', 'close')
        .send({ error: 'draining', message: 'The service is shutting down; retry shortly' });
    }
    if (
      deps.token !== undefined &&
      deps.token !== '' &&
      path !== '/healthz' &&
      path !== '/webhook/forgejo' &&
      !DASHBOARD_PUBLIC_PATHS.has(path) &&
      !bearerMatches(req.headers.authorization, deps.token) &&
      !eventStreamToken(path, req.query, deps.token)
    ) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'Missing or wrong bearer token' });
    }
    return undefined;
  });

  app.addHook('onSend', async (_req, reply) => {
    if (deps.closing()) reply.header('connection', 'close');
  });

  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) deps.log(`http error: ${error.message}`);
    return reply.code(status).send({
      error: status === 413 ? 'too_large' : status === 415 ? 'unsupported_media_type' : status >= 500 ? 'internal' : 'bad_request',
      message: status >= 500 ? 'Internal error' : error.message,
    });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` }),
  );

  registerTaskRoutes(app, deps);
  registerWebhookRoute(app, deps);
  registerOutputRoute(app, deps);
  registerDashboardRoutes(app, deps);

  app.get('/healthz', async (_req, reply) => {
    const h = await deps.health();
    return reply.code(h.ok ? 200 : 503).send(h);
  });

  app.get('/events', (req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': hooksctl events\n\n');
    const query = req.query as Record<string, unknown> | undefined;
    const remove = deps.hub.add(reply.raw, parseLastEventId(req.headers['last-event-id'] ?? query?.['last_event_id']));
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
