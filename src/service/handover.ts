/**
 * The hand-over of the listening socket to the next instance, without dropping a request:
 * stop accepting first (with socket activation systemd keeps the socket, and new connections
 * wait in its backlog), then give connections accepted a moment ago the time to send their
 * request, which is answered with `Connection: close`; only then close what is idle and wait for
 * what is in flight. Node's own `http.Server.close()` drops idle connections at once, and a
 * connection whose request is still on its way counts as idle.
 */
import { Server as NetServer, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Timers } from '../timers.js';

/** How long connections accepted just before the listener closed get to deliver their request, ms. */
export const HANDOVER_GRACE_MS = 300;

/**
 * Count the HTTP server's open connections from now on, from every listener (an adopted unix
 * socket hands its connections to the same server); {@link handOver} asks it.
 */
export function countConnections(server: FastifyInstance): () => number {
  const open = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return () => open.size;
}

/**
 * Stop accepting, wait out the grace, then close the server (idle connections, then in-flight
 * ones as they finish). With no connection open when the listener closes, nothing was accepted
 * just before, so there is no grace to wait for (an idle restart).
 */
export async function handOver(
  server: FastifyInstance,
  timers: Timers,
  graceMs = HANDOVER_GRACE_MS,
  openConnections: () => number = () => 1,
): Promise<void> {
  // net.Server's close stops the listener and keeps every open connection (http.Server's would drop the idle ones).
  if (server.server.listening) NetServer.prototype.close.call(server.server);
  if (openConnections() === 0) return server.close();
  // Held open: with the listener closed and no connection left, an unref'd timer would let the
  // event loop empty here, and the process end (exit 13) before the store closes and the bye.
  await new Promise<void>((resolve) => timers.setTimeout(resolve, graceMs, true));
  await server.close();
}
