/**
 * The hand-over of the listening socket to the next instance, without dropping a request:
 * stop accepting first (with socket activation systemd keeps the socket, and new connections
 * wait in its backlog), then give connections accepted a moment ago the time to send their
 * request, which is answered with `Connection: close`; only then close what is idle and wait for
 * what is in flight. Node's own `http.Server.close()` drops idle keep-alive connections at
 * once; the drain has answered with `Connection: close` since it began, so few are left.
 */
import { Server as NetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Timers } from '../timers.js';

/**
 * How long connections accepted just before the listener closed get to deliver their request,
 * ms. 0: Node keeps a connection that has not sent its first request through close() anyway
 * (test/service/handover.test.ts), and every ms here is added to each restart.
 */
export const HANDOVER_GRACE_MS = 0;

/** Stop accepting, wait out the grace, then close the server (idle connections, then in-flight ones as they finish). */
export async function handOver(server: FastifyInstance, timers: Timers, graceMs = HANDOVER_GRACE_MS): Promise<void> {
  // net.Server's close stops the listener and keeps every open connection (http.Server's would drop the idle ones).
  if (server.server.listening) NetServer.prototype.close.call(server.server);
  if (graceMs > 0) await new Promise<void>((resolve) => timers.setTimeout(resolve, graceMs));
  await server.close();
}
