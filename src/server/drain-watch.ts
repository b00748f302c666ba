/**
 * What the dashboard and `hooksctl status` show of a drain, folded from the SSE event log:
 * the last `service_shutdown` (its deadline and busy workers) and how each of those tasks
 * settled, until a `service_ready` clears it. Pure, so it folds the same stream the browser sees.
 */
import type { StoredEvent } from '../tasks/store.js';

/** One task busy when the drain began, and how it ended (null while it still runs). */
export interface DrainTask {
  /** The task id. */
  task: string;
  /** The agent instance running it. */
  agent: string;
  /** Its end status once it settled (`succeeded`, `cancelled`, ...), else null. */
  status: string | null;
  /** Its end reason (`shutdown` when aborted), else null. */
  reason: string | null;
}

/** The drain in progress, as the last `service_shutdown` announced it. */
export interface DrainView {
  /** The SSE id of the `service_shutdown` event. */
  event_id: number;
  /** How long the drain waits, ms. */
  drain_ms: number;
  /** When the drain's wait ends (ISO 8601), when the service said so. */
  deadline_at: string | null;
  /** The workers busy when it began. */
  busy_workers: DrainTask[];
  /** True once `service_stopping` came: the old instance is handing over. */
  stopping: boolean;
}

/** Apply logged events, oldest first, to the current drain view (null: no drain). */
export function foldDrain(current: DrainView | null, events: readonly StoredEvent[]): DrainView | null {
  let view = current;
  for (const e of events) {
    if (e.type === 'service_shutdown') view = startView(e);
    else if (e.type === 'service_ready') view = null;
    else if (view !== null && e.type === 'service_stopping') view = { ...view, stopping: true };
    else if (view !== null && e.type === 'task_ended') view = settle(view, e.data);
  }
  return view;
}

// A fresh view from a service_shutdown event.
function startView(e: StoredEvent): DrainView {
  const busy = Array.isArray(e.data['busy_workers']) ? (e.data['busy_workers'] as unknown[]) : [];
  return {
    event_id: e.id,
    drain_ms: typeof e.data['drain_ms'] === 'number' ? e.data['drain_ms'] : 0,
    deadline_at: typeof e.data['deadline_at'] === 'string' ? e.data['deadline_at'] : null,
    busy_workers: busy.map((b) => {
      const w = (b ?? {}) as Record<string, unknown>;
      return { task: String(w['task'] ?? ''), agent: String(w['agent'] ?? ''), status: null, reason: null };
    }),
    stopping: false,
  };
}

// Mark the busy worker whose task just ended.
function settle(view: DrainView, data: Record<string, unknown>): DrainView {
  const id = data['id'];
  if (!view.busy_workers.some((w) => w.task === id)) return view;
  return {
    ...view,
    busy_workers: view.busy_workers.map((w) =>
      w.task === id
        ? { ...w, status: String(data['status'] ?? ''), reason: typeof data['reason'] === 'string' ? data['reason'] : null }
        : w,
    ),
  };
}
