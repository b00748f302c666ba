/**
 * The drain as `serve` wires it: phases to the journal, STOPPING/STATUS/EXTEND_TIMEOUT to
 * systemd, `service_shutdown` then `service_stopping` to SSE clients, and a cleanup that hands
 * over to the next instance: the listener closes, requests in flight finish with
 * `Connection: close`, then the store closes. The figures all come from the one {@link DrainPlan}.
 */
import type { Clock } from '../runtime.js';
import { RETRY_AFTER_S } from '../server/app.js';
import type { HttpApp } from '../server/http/app.js';
import type { SseHub } from '../server/sse-hub.js';
import type { DrainPlan } from '../shutdown/budget.js';
import { createDrain, type Drain, type SettledTask } from '../shutdown/drain.js';
import { startExtender } from '../systemd/notify/extend.js';
import type { JournalLogger } from '../systemd/journal/journal.js';
import type { Notifier } from '../systemd/notify/notify.js';
import type { Timers } from '../timers.js';
import type { Dispatcher } from '../tasks/dispatcher.js';
import type { TaskStore } from '../tasks/store.js';
import { handOverAndClose } from './handover.js';
import type { StatusLine } from './status.js';

/** What the serve drain touches. */
export interface ServeDrainDeps {
  plan: DrainPlan;
  clock: Clock;
  timers: Timers;
  dispatcher: Dispatcher;
  store: TaskStore;
  hub: SseHub;
  server: HttpApp;
  logger: JournalLogger;
  notifier: Notifier;
  statusLine: StatusLine;
  /** Subscribe to settles (the dispatcher's task_ended events). */
  onSettled(cb: (task: SettledTask) => void): () => void;
  /** Stop the keepalive loops (watchdog, lag monitor) before closing. */
  stopLoops(): void;
  /** `queue`: SSE streams and keep-alive connections stay open through the drain; `refuse`: they close at once. */
  intake: 'queue' | 'refuse';
  /** The drain begins: from now on every response says `Connection: close`. */
  beginClose(): void;
}

/** What an EventSource is told to wait before it reconnects to the next instance, ms. */
export const SSE_RETRY_MS = 1000;

/** Build the drain for `serve`. */
export function createServeDrain(deps: ServeDrainDeps): Drain {
  const { plan, clock, timers, server, store, hub } = deps;
  return createDrain({
    plan,
    clock,
    timers,
    work: deps.dispatcher,
    log: (phase, message, fields) => deps.logger.phase(phase, message, fields),
    stopping: (text) => deps.statusLine.stopping(text),
    status: (text) => deps.statusLine.status(text),
    refuse: (busy, drainMs) => {
      hub.broadcast('service_shutdown', {
        drain_ms: drainMs,
        // The wall-clock end of the wait, so a page loaded (or replayed) mid-drain counts down to the same instant.
        deadline_at: new Date(clock.now() + drainMs).toISOString(),
        busy_workers: busy.map((b) => ({ task: b.id, agent: b.agent })),
        retry_after_s: RETRY_AFTER_S,
      });
      // Queue mode keeps answering through the drain, each response with Connection: close, so
      // that few keep-alive connections are left idle when the listener closes.
      deps.beginClose();
      if (deps.intake === 'queue') return;
      hub.closeAll(SSE_RETRY_MS);
      server.server.closeIdleConnections();
    },
    onSettled: deps.onSettled,
    startExtension: (progress, describe) =>
      startExtender({
        notifier: deps.notifier,
        clock,
        timers,
        timeoutStopMs: plan.timeoutStopMs,
        capMs: plan.capMs,
        sliceMs: plan.sliceMs,
        progress,
        describe,
      }),
    whileWaiting: () => {
      store.compact('idle').catch(() => undefined);
    },
    // The hand-over: SSE clients learn the drain is over and where to go, the store folds its
    // write-ahead log while the listener still answers, the listener closes (systemd keeps the
    // socket and its backlog for the next instance), requests in flight finish, the store closes.
    cleanup: async () => {
      hub.broadcast('service_stopping', { retry_ms: SSE_RETRY_MS });
      await hub.flushed();
      hub.closeAll(SSE_RETRY_MS);
      deps.stopLoops();
      // Half the cleanup budget for busy connections, the rest for the store.
      await handOverAndClose(server, store, { timers, graceMs: plan.cleanupMs / 2 });
    },
  });
}
