/** Admitting a stored task: run it now, or leave it queued for the next instance (while starting or draining). */
import type { TaskRow } from '../tasks/types.js';
import type { ServerDeps } from './deps.js';

/** The 202 body of an accepted task: its id, status and URL; `deferred` when the next instance runs it. */
export interface AcceptedTask {
  id: string;
  status: string;
  url: string;
  deferred?: true;
}

/** Hand a freshly stored task to the dispatcher while intake is open; otherwise it stays queued in the store, for the next boot. */
export function admit(deps: Pick<ServerDeps, 'intake' | 'dispatcher'>, row: TaskRow): AcceptedTask {
  const accepted: AcceptedTask = { id: row.id, status: row.status, url: `/tasks/${row.id}` };
  if (deps.intake() === 'open') {
    deps.dispatcher.submit(row);
    return accepted;
  }
  return { ...accepted, deferred: true };
}
