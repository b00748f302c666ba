/** Admitting a stored task: announce it, then run it now, or leave it queued for the next instance (while starting or draining). */
import type { TaskRow } from '../tasks/types.js';
import type { ServerDeps } from './deps.js';
import type { SseHub } from './sse-hub.js';

/**
 * Tell SSE clients (and the event log) that `row` is queued. The host that stores a queued row
 * announces it, once: intake, and the re-queue of a crashed or drained task. The host that runs
 * it does not announce it again when it takes the row from the shared queue.
 */
export function announceQueued(hub: Pick<SseHub, 'broadcast'>, row: Pick<TaskRow, 'id' | 'agent'>): void {
  hub.broadcast('task_queued', { type: 'task_queued', id: row.id, agent: row.agent });
}

/** The 202 body of an accepted task: its id, status and URL; `deferred` when the next instance runs it. */
export interface AcceptedTask {
  id: string;
  status: string;
  url: string;
  deferred?: true;
}

/** Hand a freshly stored task to the dispatcher while intake is open; otherwise it stays queued in the store, for the next boot. */
export function admit(deps: Pick<ServerDeps, 'intake' | 'dispatcher'> & { hub: Pick<SseHub, 'broadcast'> }, row: TaskRow): AcceptedTask {
  const accepted: AcceptedTask = { id: row.id, status: row.status, url: `/tasks/${row.id}` };
  announceQueued(deps.hub, row);
  if (deps.intake() === 'open') {
    deps.dispatcher.submit(row);
    return accepted;
  }
  return { ...accepted, deferred: true };
}
