/**
 * The hand-over of the listening socket to the next instance: stop accepting first (with
 * socket activation systemd keeps the socket, and new connections wait in its backlog for the
 * next instance), then close the server: idle keep-alive connections at once, requests in
 * flight as they finish. The drain has answered with `Connection: close` since it began, so few
 * keep-alive connections are left idle to close under a client's feet. A connection still busy
 * after `graceMs` (a client that sent half its headers and stalled) is cut, so that the rest of
 * the cleanup (the store's checkpoint and close) is not starved of its budget by one client.
 */
import { Server as NetServer } from 'node:net';
import type { HttpApp } from '../server/http/app.js';
import type { TaskStore } from '../tasks/store.js';
import { withinMs } from '../time-limit.js';
import type { Timers } from '../timers.js';

/** How long the hand-over waits for busy connections before cutting them. */
export interface HandOverBound {
  /** Timer source (fake in tests). */
  timers: Timers;
  /** The wait, in ms. */
  graceMs: number;
}

/** Stop accepting, then close the server once what is in flight has finished (or, with `bound`, cut what is left after its grace). */
export async function handOver(server: HttpApp, bound?: HandOverBound): Promise<void> {
  // net.Server's close stops the listener at once, before http.Server's close drops the idle connections.
  if (server.server.listening) NetServer.prototype.close.call(server.server);
  const closed = server.close();
  if (bound === undefined) return closed;
  const outcome = await withinMs(
    bound.timers,
    bound.graceMs,
    closed.then(() => 'closed' as const),
    'late' as const,
  );
  if (outcome === 'late') server.server.closeAllConnections();
  await closed;
}

/**
 * The last steps of an instance with its store: fold the write-ahead log in full while the
 * listener still accepts (7-25 ms of SQLite work), let the event loop take what arrived meanwhile
 * (the checkpoint is synchronous and blocks the loop: without this turn, the listener would close
 * before those connections were accepted, and they would wait in the backlog for the next
 * instance), hand over, then close the store, which has only the last requests' writes left.
 */
export async function handOverAndClose(server: HttpApp, store: Pick<TaskStore, 'compact' | 'close'>, bound: HandOverBound): Promise<void> {
  // A checkpoint that fails (I/O error) must not keep the listener open or the store unclosed: it is reported after both.
  const failed = await store.compact('full').then(
    () => null,
    (error: unknown) => ({ error }),
  );
  await pollTurn();
  try {
    await handOver(server, bound);
  } finally {
    await store.close();
  }
  if (failed !== null) throw failed.error;
}

// Resolve after the event loop's next poll phase: two check-phase hops (setImmediate) always have one poll between them.
function pollTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
