/**
 * The graceful drain. On the first signal: refuse new work, wait for in-flight tasks
 * (event-driven) up to the plan's drain time, force-abort the rest, clean up, say bye.
 * A second signal skips straight to abort. Every figure comes from the {@link DrainPlan}
 * (src/shutdown/budget.ts, the same math the validator uses); every timer goes through the
 * injected {@link Timers}, so the whole state machine runs on fake time in unit tests.
 */
import type { Clock } from '../runtime.js';
import type { Timers } from '../timers.js';
import { timeoutSignal } from '../timeout-signal.js';
import type { DrainPlan } from './budget.js';
import { describeDrain, plural } from './drain-text.js';
import { canMove, type DrainState } from './state.js';
import { waitForDrain, type Extension } from './drain-wait.js';
import type { ShutdownPhase } from '../vocabulary.js';

export type { Extension } from './drain-wait.js';

/** A unit of work in flight, as the drain reports it. */
export interface BusyTask {
  /** The task's id. */
  id: string;
  /** Who runs it (an agent instance, a worker name). */
  agent: string;
  /** When it started, on the monotonic clock (ms). */
  startedAt: number;
}

/** What the drain waits on: the dispatcher, or an embedding service's own job table. */
export interface DrainableWork {
  /** The tasks in flight now. */
  busy(): readonly BusyTask[];
  /** Stop starting queued work (it stays queued for the next instance). */
  hold(): void;
  /** Resolves when nothing is in flight (at once if idle). */
  whenIdle(): Promise<void>;
  /** Abort every task in flight with `reason`; resolves when all have settled. */
  abortAll(reason: string): Promise<void>;
  /** A counter that grows with every output chunk and settle (progress, for extend mode). */
  activity(): number;
}

/** One task that settled during the drain. */
export interface SettledTask {
  /** The task's id. */
  id: string;
  /** Who ran it. */
  agent: string;
  /** Its end status (`succeeded`, `failed`, ...). */
  status: string;
  /** How long it ran, ms. */
  durationMs: number;
}

/** Phase logging, as the journal logger's `phase` provides it. */
export type PhaseLog = (phase: ShutdownPhase, message: string, fields?: Record<string, string | number>) => void;

/** Everything the drain touches, injected. Only `plan`, `clock`, `timers`, `work`, `log`, `stopping` and `status` are required. */
export interface DrainDeps {
  /** The budget, planned once (see `planDrain`). */
  plan: DrainPlan;
  /** Monotonic time for deadlines and durations. */
  clock: Clock;
  /** Every wait and tick of the drain. */
  timers: Timers;
  /** What is in flight. */
  work: DrainableWork;
  /** Journal phase lines. */
  log: PhaseLog;
  /** STOPPING=1 with a status line. */
  stopping(status: string): void;
  /** STATUS= line. */
  status(text: string): void;
  /** Told once the drain refuses new work (state() is already `refusing`): broadcast, close idle sockets. */
  refuse?(busy: readonly BusyTask[], drainMs: number): void;
  /** Subscribe to task settles during the drain; returns the unsubscribe function. */
  onSettled?(cb: (task: SettledTask) => void): () => void;
  /** Extend mode: start EXTEND_TIMEOUT_USEC slices, sent only while `progress()` is true. */
  startExtension?(progress: () => boolean, describe: (remainingMs: number) => string): Extension;
  /** Housekeeping while waiting (a passive WAL checkpoint), at most once per burst of settles. */
  whileWaiting?(): void;
  /** Cleanup (orphan guard, store checkpoint, server close); `signal` aborts when its time is up. */
  cleanup?(signal: AbortSignal): Promise<void>;
}

/** Summary of one drain. */
export interface DrainReport {
  /** The signal that started it. */
  signal: string;
  /** Tasks that settled by themselves during the drain. */
  settled: number;
  /** Ids of the tasks force-aborted. */
  aborted: string[];
  /** How long the wait for in-flight tasks lasted, ms. */
  drainMs: number;
  /** The whole stop, signal to bye, ms. */
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
  let state: DrainState = 'running';
  let escalate: () => void = () => {};
  const escalated = new Promise<void>((resolve) => {
    escalate = resolve;
  });
  let done: Promise<DrainReport> | null = null;
  const move = (to: DrainState): void => {
    if (canMove(state, to)) state = to;
  };
  const run = (signalName: string): Promise<DrainReport> => runDrain(deps, signalName, move, () => state, escalated);
  return {
    state: () => state,
    signal(name) {
      if (done === null) {
        done = run(name);
        return done;
      }
      if (state === 'refusing' || state === 'draining') deps.log('abort', `second signal ${name}: skipping to abort`, { SIGNAL: name });
      escalate();
      return done;
    },
  };
}

// The drain's steps in order: refuse, wait, abort what is left, clean up, bye.
async function runDrain(
  deps: DrainDeps,
  signalName: string,
  move: (to: DrainState) => void,
  state: () => DrainState,
  escalated: Promise<void>,
): Promise<DrainReport> {
  const { clock, plan, work, log } = deps;
  const t0 = clock.monotonic();
  const since = (): number => Math.round(clock.monotonic() - t0);
  const busy = work.busy();
  move('refusing');
  log('signal', `signal received, draining ${plural(busy.length, 'task')}`, {
    SIGNAL: signalName,
    DRAIN_MS: plan.drainMs,
    BUSY: busy.length,
  });
  deps.stopping(`stopping: draining ${plural(busy.length, 'task')}`);
  work.hold();
  deps.refuse?.(busy, plan.drainMs);

  move('draining');
  let settled = 0;
  const unsubscribe = watchSettles(deps, state, since, () => (settled += 1));
  const finished = await waitForDrain({ ...deps, t0, escalated, describe: (ms) => describeDrain(work.busy().length, ms) });
  unsubscribe();
  const drainMs = since();
  const aborted = finished ? [] : await abortTheRest(deps, drainMs, settled, move);
  if (finished) log('drain', `drain complete after ${drainMs} ms, ${settled} settled`, { DRAIN_MS: drainMs, SETTLED: settled });

  move('cleaning');
  await cleanUp(deps);
  move('done');
  const totalMs = since();
  log('bye', 'bye', { TOTAL_MS: totalMs, SETTLED: settled, ABORTED: aborted.length });
  return { signal: signalName, settled, aborted, drainMs, totalMs };
}

// Log each settle; after a settle with work still in flight, run the housekeeping once, soon.
function watchSettles(deps: DrainDeps, state: () => DrainState, since: () => number, count: () => void): () => void {
  if (!deps.onSettled) return () => {};
  let housekeeping = false;
  return deps.onSettled((t) => {
    count();
    if (deps.whileWaiting && !housekeeping && deps.work.busy().length > 0) {
      housekeeping = true;
      deps.timers.setTimeout(() => {
        housekeeping = false;
        if (state() === 'draining') deps.whileWaiting?.();
      }, 5);
    }
    deps.log('drain', `task ${t.id} settled after ${since()} ms (${t.status})`, {
      TASK_ID: t.id,
      AGENT: t.agent,
      TASK_STATUS: t.status,
      DRAIN_MS: since(),
    });
  });
}

// Force-abort what is still in flight; resolves with their ids once all have settled.
async function abortTheRest(deps: DrainDeps, drainMs: number, settled: number, move: (to: DrainState) => void): Promise<string[]> {
  move('aborting');
  const left = deps.work.busy();
  deps.log('abort', `force-abort after ${drainMs} ms, ${plural(left.length, 'task')} left`, {
    DRAIN_MS: drainMs,
    ABORTED: left.length,
    SETTLED: settled,
  });
  deps.status(`aborting ${plural(left.length, 'task')}`);
  for (const t of left) deps.log('abort', `task ${t.id} force-aborted`, { TASK_ID: t.id, AGENT: t.agent });
  await deps.work.abortAll('shutdown');
  return left.map((t) => t.id);
}

// Run the cleanup under its budget C: a cleanup that throws or hangs never holds up the bye.
async function cleanUp(deps: DrainDeps): Promise<void> {
  const { clock, timers, plan } = deps;
  deps.status('cleaning up');
  const start = clock.monotonic();
  const guard = timeoutSignal(timers, Math.max(1, plan.cleanupMs));
  const timedOut = new Promise<void>((resolve) => guard.addEventListener('abort', () => resolve(), { once: true }));
  const work = Promise.resolve()
    .then(() => deps.cleanup?.(guard))
    .catch((error: unknown) => deps.log('cleanup', `cleanup failed: ${(error as Error)?.message ?? String(error)}`));
  await Promise.race([work, timedOut]);
  const ms = Math.round(clock.monotonic() - start);
  deps.log('cleanup', guard.aborted ? `cleanup cut off after ${ms} ms` : `cleanup done after ${ms} ms`, { CLEANUP_MS: ms });
}
