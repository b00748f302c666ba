/**
 * The graceful drain. On the first signal: refuse new work, wait for in-flight tasks
 * (event-driven) up to the budget, force-abort the rest through the supervisor, clean up,
 * say bye. A second signal skips straight to abort. Budget numbers come from
 * src/shutdown/budget.ts (the same function the validator uses).
 */
import type { Clock } from '../runtime.js';
import type { BusyTask, Dispatcher } from '../tasks/dispatcher.js';
import { canMove, type DrainState } from './state.js';

/** The budget the drain runs under (see `planDrain` in budget.ts). */
export interface DrainBudget {
  mode: 'plain' | 'extend';
  drainMs: number;
  abortGraceMs: number;
  cleanupMs: number;
  marginMs: number;
  capMs: number;
}

/** Phase logging, as the journal logger provides it. */
export type PhaseLog = (phase: 'signal' | 'drain' | 'abort' | 'cleanup' | 'bye', message: string, fields?: Record<string, string | number>) => void;

/** An extension loop (extend mode); `extendedUntilMs` is the current stop deadline, monotonic ms. */
export interface Extension {
  stop(): void;
  extendedUntilMs(): number;
}

/** Everything the drain touches, injected. */
export interface DrainDeps {
  clock: Clock;
  budget: DrainBudget;
  dispatcher: Dispatcher;
  log: PhaseLog;
  /** STOPPING=1 with a status line. */
  stopping(status: string): void;
  /** STATUS= line. */
  status(text: string): void;
  /** Stop accepting: 503 gate on, SSE service_shutdown broadcast, idle sockets and streams closed. */
  refuse(busy: readonly BusyTask[], drainMs: number): void;
  /** Subscribe to task settles during the drain; returns the unsubscribe function. */
  onSettled(cb: (task: { id: string; agent: string; status: string; durationMs: number }) => void): () => void;
  /** Start EXTEND_TIMEOUT_USEC slices (extend mode). */
  startExtension?(progress: () => boolean, describe: (remainingMs: number) => string): Extension;
  /** Housekeeping done while waiting (e.g. a passive WAL checkpoint), so that little is left after the last task; called at most once per tick after settles. */
  whileWaiting?(): void;
  /** Cleanup work: orphan guard leftovers, store checkpoint, server close. */
  cleanup(signal: AbortSignal): Promise<void>;
}

/** Summary of one drain. */
export interface DrainReport {
  signal: string;
  settled: number;
  aborted: string[];
  drainMs: number;
  totalMs: number;
  /** True when the drain itself failed and the service fell back to aborting everything. */
  failed?: boolean;
}

/** The drain handle. */
export interface Drain {
  /** Current state. */
  state(): DrainState;
  /** Handle a signal: the first starts the drain, a second escalates to abort. Resolves when done. */
  signal(name: string): Promise<DrainReport>;
}

/** Build the drain coordinator. */
export function createDrain(deps: DrainDeps): Drain {
  const { clock, budget, dispatcher, log } = deps;
  let state: DrainState = 'running';
  let escalate: () => void = () => {};
  const escalated = new Promise<void>((resolve) => { escalate = resolve; });
  let done: Promise<DrainReport> | null = null;

  const move = (to: DrainState) => {
    if (canMove(state, to)) state = to;
  };

  const run = async (signalName: string): Promise<DrainReport> => {
    const t0 = clock.monotonic();
    const since = () => Math.round(clock.monotonic() - t0);
    const busy = dispatcher.busy();
    move('refusing');
    log('signal', `signal received, draining ${busy.length} task${busy.length === 1 ? '' : 's'}`, { SIGNAL: signalName, DRAIN_MS: budget.drainMs, BUSY: busy.length });
    deps.stopping(`stopping: draining ${busy.length} task${busy.length === 1 ? '' : 's'}`);
    dispatcher.hold();
    deps.refuse(busy, budget.drainMs);

    move('draining');
    let settled = 0;
    let housekeeping = false;
    const unsubscribe = deps.onSettled((t) => {
      settled += 1;
      if (deps.whileWaiting && !housekeeping && dispatcher.busy().length > 0) {
        housekeeping = true;
        setTimeout(() => { housekeeping = false; if (state === 'draining') deps.whileWaiting?.(); }, 5);
      }
      log('drain', `task ${t.id} settled after ${since()} ms (${t.status})`, { TASK_ID: t.id, AGENT: t.agent, TASK_STATUS: t.status, DRAIN_MS: since() });
    });
    const finished = await waitForDrain(deps, t0, escalated);
    unsubscribe();
    const drainMs = since();
    const aborted: string[] = [];
    if (finished) {
      log('drain', `drain complete after ${drainMs} ms, ${settled} settled`, { DRAIN_MS: drainMs, SETTLED: settled });
    } else {
      move('aborting');
      const left = dispatcher.busy();
      log('abort', `force-abort after ${drainMs} ms, ${left.length} task${left.length === 1 ? '' : 's'} left`, { DRAIN_MS: drainMs, ABORTED: left.length, SETTLED: settled });
      deps.status(`aborting ${left.length} task${left.length === 1 ? '' : 's'}`);
      for (const t of left) {
        aborted.push(t.id);
        log('abort', `task ${t.id} force-aborted`, { TASK_ID: t.id, AGENT: t.agent });
      }
      await dispatcher.abortAll('shutdown');
    }

    move('cleaning');
    deps.status('cleaning up');
    const cleanupStart = clock.monotonic();
    const guard = AbortSignal.timeout(Math.max(1, budget.cleanupMs));
    await Promise.race([deps.cleanup(guard).catch(() => undefined), new Promise<void>((r) => guard.addEventListener('abort', () => r(), { once: true }))]);
    log('cleanup', `cleanup done after ${Math.round(clock.monotonic() - cleanupStart)} ms`, { CLEANUP_MS: Math.round(clock.monotonic() - cleanupStart) });
    move('done');
    const totalMs = since();
    log('bye', 'bye', { TOTAL_MS: totalMs, SETTLED: settled, ABORTED: aborted.length });
    return { signal: signalName, settled, aborted, drainMs, totalMs };
  };

  return {
    state: () => state,
    signal(name) {
      if (done === null) {
        done = run(name);
        return done;
      }
      if (state === 'refusing' || state === 'draining') log('abort', `second signal ${name}: skipping to abort`, { SIGNAL: name });
      escalate();
      return done;
    },
  };
}

// Wait for the in-flight set to empty, the budget to run out, or an escalation. True = drained.
async function waitForDrain(deps: DrainDeps, t0: number, escalated: Promise<void>): Promise<boolean> {
  const { clock, budget, dispatcher } = deps;
  if (dispatcher.busy().length === 0) return true;
  const idle = dispatcher.whenIdle().then(() => 'idle' as const);
  const stop = escalated.then(() => 'escalated' as const);
  const tail = budget.abortGraceMs + budget.cleanupMs + budget.marginMs;
  let lastActivity = dispatcher.activity();
  const extension = budget.mode === 'extend' && deps.startExtension
    ? deps.startExtension(
      () => { const now = dispatcher.activity(); const moved = now !== lastActivity; lastActivity = now; return moved; },
      (remainingMs) => `draining ${dispatcher.busy().length} tasks, ${Math.ceil(remainingMs / 1000)} s left`)
    : null;
  const ticker = extension ? null : setInterval(() => {
    const left = Math.max(0, budget.drainMs - (clock.monotonic() - t0));
    deps.status(`draining ${dispatcher.busy().length} tasks, ${Math.ceil(left / 1000)} s left`);
  }, 1000);
  try {
    for (;;) {
      const deadline = extension ? Math.min(t0 + budget.capMs, extension.extendedUntilMs()) - tail : t0 + budget.drainMs;
      const wait = deadline - clock.monotonic();
      if (wait <= 0) return false;
      const timer = new AbortController();
      const timeout = new Promise<'timeout'>((resolve) => { const h = setTimeout(() => resolve('timeout'), extension ? Math.min(wait, 1000) : wait); timer.signal.addEventListener('abort', () => clearTimeout(h)); });
      const outcome = await Promise.race([idle, stop, timeout]);
      timer.abort();
      if (outcome === 'idle') return true;
      if (outcome === 'escalated') return false;
    }
  } finally {
    if (ticker) clearInterval(ticker);
    extension?.stop();
  }
}
