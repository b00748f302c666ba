/**
 * The hand-over of the listening socket to the next instance: stop accepting first (with
 * socket activation systemd keeps the socket, and new connections wait in its backlog for the
 * next instance), then close the server: idle keep-alive connections at once, requests in
 * flight as they finish. The drain has answered with `Connection: close` since it began, so few
 * keep-alive connections are left idle to close under a client's feet.
 */
import { Server as NetServer } from 'node:net';
import type { HttpApp } from '../server/http/app.js';

/** Stop accepting, then close the server once what is in flight has finished. */
export async function handOver(server: HttpApp): Promise<void> {
  // net.Server's close stops the listener at once, before http.Server's close drops the idle connections.
  if (server.server.listening) NetServer.prototype.close.call(server.server);
  await server.close();
}
