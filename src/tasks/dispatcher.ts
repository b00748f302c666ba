/**
 * The dispatcher: one queue per agent instance, one running task per instance, every task
 * run through an injected {@link TaskRunner}. It is event-driven: settling a task resolves
 * `whenIdle()` waiters at once (no polling tick), which is what the drain waits on.
 */
import type { Clock } from '../runtime.js';
import type { BusyTask, DrainableWork } from '../shutdown/drain.js';
import { AgentQueue } from './agent-queue.js';
import { keepLease as keepLeaseOf, LEASE_LOST, type LeaseKeeperDeps } from './lease-keeper.js';
import type { TaskEnd, TaskStore } from './store.js';
import type { TaskRow } from './types.js';

/** What the runner gets for one task. */
export interface RunContext {
  /** Aborted with reason `shutdown` or `user` to cancel the task. */
  signal: AbortSignal;
  /** Call when the process is spawned. */
  onSpawn(pid: number, startTime: number | null): void;
  /** Call on every chunk of output (drives extend-mode progress). */
  onActivity(): void;
}

/** Runs one task to its end. Must never reject. */
export type TaskRunner = (task: TaskRow, ctx: RunContext) => Promise<TaskEnd>;

/**
 * Events the dispatcher emits (for SSE, STATUS= and the drain). `task_queued` is not one of them:
 * the host that stores a queued row announces it (src/server/admit.ts), once, whichever host runs it.
 */
export type DispatchEvent =
  | { type: 'task_started'; id: string; agent: string; attempt: number; host: string | null }
  | { type: 'task_ended'; id: string; agent: string; status: string; reason: string | null; exit_code: number | null; duration_ms: number };

export type { BusyTask } from '../shutdown/drain.js';

/** What {@link Dispatcher.cancel} did: ended it, is aborting it, asked its host to, or found nothing to do. */
export type CancelResult = 'cancelled' | 'aborting' | 'requested' | 'not-found' | 'already-ended';

/** The dispatcher's interface; it is the work the drain waits on. */
export interface Dispatcher extends DrainableWork {
  /** Queue an already-stored task. */
  submit(row: TaskRow): void;
  /**
   * Cancel: a queued task ends `cancelled`; one running here is aborted; one running elsewhere
   * (another host of a shared store) gets a cancel mark its host acts on (`requested`).
   */
  cancel(id: string, reason: string): Promise<CancelResult>;
  /** Abort a task running here with `reason` (a cancel marked in the store); false if it does not run here. */
  abortRun(id: string, reason: string): boolean;
  /** Tasks in flight. */
  busy(): BusyTask[];
  /** Number of queued tasks. */
  queued(): number;
  /** Stop starting queued tasks (they stay queued in the store for the next boot). */
  hold(): void;
  /** Start queued tasks again after {@link Dispatcher.hold}. */
  release(): void;
  /** Resolves when nothing is in flight (immediately if already idle). */
  whenIdle(): Promise<void>;
  /** Abort every task in flight with `reason` and wait until all settled. */
  abortAll(reason: string): Promise<void>;
  /** A counter that grows with every output chunk and every settle (progress for extend mode). */
  activity(): number;
}

/** Options for {@link createDispatcher}. */
export interface DispatcherOptions {
  store: TaskStore;
  agents: readonly string[];
  runner: TaskRunner;
  clock: Clock;
  onEvent: (event: DispatchEvent) => void;
  /** Told about store failures the dispatcher survived (default: ignored). */
  onError?: (message: string) => void;
  /** Instances other hosts run: their tasks stay queued in the store for them (a shared store). */
  remote?: readonly string[];
  /**
   * Renew each running task's lease every `renewMs` on these timers; a lost lease aborts the run
   * with reason `lease-lost`. With `leaseMs` (a store other hosts share), a run whose renewals have
   * not held for `leaseMs - renewMs` since the last one that did is stopped too (when `renewMs` is
   * over a third of `leaseMs`, half-way between the next renewal and the lease's end instead:
   * {@link deadlineMarginMs}), before the lease can run out and another host reclaim it: two hosts
   * must not run it at once. Absent: no renewal.
   */
  lease?: LeaseKeeperDeps['lease'];
}

export { deadlineMarginMs, LEASE_LOST } from './lease-keeper.js';

/** Build a dispatcher. Call `submit` for tasks loaded at boot, in order. */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, runner, clock, onEvent } = options;
  const onError = options.onError ?? (() => {});
  const queues = new Map(options.agents.map((a) => [a, new AgentQueue()]));
  const remote = new Set(options.remote ?? []);
  const running = new Map<string, { task: BusyTask; abort: AbortController; done: Promise<void> }>();
  const claiming = new Set<string>();
  // Ids being claimed right now: a second submit of one of them is a no-op.
  const claimingIds = new Set<string>();
  const idleWaiters: Array<() => void> = [];
  let held = false;
  // Set by abortAll: a claim that completes afterwards launches already aborted.
  let abortedWith: string | null = null;
  let activity = 0;

  const settleIdle = () => {
    if (running.size > 0 || claiming.size > 0) return;
    for (const w of idleWaiters.splice(0)) w();
  };

  // Start the agent's next queued task, if it is free. A claim in progress counts as busy.
  const startNext = (agent: string): void => {
    if (held || claiming.has(agent) || [...running.values()].some((r) => r.task.agent === agent)) return;
    const queue = queues.get(agent);
    const id = queue?.shift();
    if (id === undefined) return;
    claiming.add(agent);
    claimingIds.add(id);
    // The lease the claim grants runs from when it was sent, not from when it answered.
    const claimSentAt = clock.monotonic();
    store.claim(id).then(
      (row) => {
        claiming.delete(agent);
        claimingIds.delete(id);
        if (row) launch(row, claimSentAt);
        else startNext(agent);
        settleIdle();
      },
      (error: unknown) => {
        // The store could not take the claim (locked, disk full): keep the task queued for later.
        claiming.delete(agent);
        claimingIds.delete(id);
        queue?.push(id);
        onError(`could not start task ${id}: ${(error as Error).message}`);
        settleIdle();
      },
    );
  };

  const launch = (row: TaskRow, claimSentAt: number) => {
    const abort = new AbortController();
    const task: BusyTask = { id: row.id, agent: row.agent, startedAt: clock.monotonic() };
    const stopRenewing = keepLease(row, abort, claimSentAt);
    const done = runner(row, {
      signal: abort.signal,
      onSpawn: (pid, startTime) => {
        store
          .setPid(row.id, pid, startTime)
          .catch((error: unknown) => onError(`could not record the pid of task ${row.id}: ${(error as Error).message}`));
      },
      onActivity: () => {
        activity += 1;
      },
    })
      .catch((error: unknown): TaskEnd => ({ status: 'failed', reason: `internal: ${(error as Error).message}`, exitCode: null }))
      .then(async (end) => {
        try {
          stopRenewing();
          // A run stopped for its lease records nothing: the row stays running until the lease runs
          // out, and a host reclaims it (crashed/lease-expired) and queues the next attempt. Recording
          // cancelled/lease-lost, if the database came back in time, would end the task for good.
          if (abort.signal.reason === LEASE_LOST)
            onError(`task ${row.id} stopped (lease-lost): not recorded; once its lease runs out a host reclaims it and queues it again`);
          else if (!(await store.finish(row.id, end, row.fence)))
            onError(`task ${row.id} ended ${end.status}, but this host no longer holds it; result not recorded`);
        } catch (error) {
          onError(`could not record the end of task ${row.id} (${end.status}): ${(error as Error).message}`);
        } finally {
          running.delete(row.id);
          activity += 1;
          onEvent({
            type: 'task_ended',
            id: row.id,
            agent: row.agent,
            status: end.status,
            reason: end.reason,
            exit_code: end.exitCode,
            duration_ms: Math.round(clock.monotonic() - task.startedAt),
          });
          settleIdle();
          startNext(row.agent);
        }
      })
      .catch((error: unknown) => onError(`dispatcher: ${(error as Error).message}`));
    running.set(row.id, { task, abort, done });
    // Announced once it counts as running, so a listener's busy() includes it.
    onEvent({ type: 'task_started', id: row.id, agent: row.agent, attempt: row.attempt, host: row.host });
    if (abortedWith !== null) abort.abort(abortedWith);
  };

  const keepLease = (row: TaskRow, abort: AbortController, claimSentAt: number): (() => void) =>
    options.lease ? keepLeaseOf({ store, clock, onError, lease: options.lease }, row, abort, claimSentAt) : () => {};

  return {
    submit(row) {
      const queue = queues.get(row.agent);
      if (!queue && remote.has(row.agent)) {
        // Another host runs this instance: the row stays queued, and the store wakes that host.
        return;
      }
      if (queue?.has(row.id) || claimingIds.has(row.id) || running.has(row.id)) return;
      if (!queue) {
        store
          .endQueued(row.id, 'failed', 'unknown-agent')
          .catch((error: unknown) => onError(`could not fail task ${row.id} of unknown agent ${row.agent}: ${(error as Error).message}`));
        return;
      }
      queue.push(row.id);
      startNext(row.agent);
    },
    async cancel(id, reason) {
      const live = running.get(id);
      if (live) {
        live.abort.abort(reason);
        return 'aborting';
      }
      const row = await store.get(id);
      if (!row) return 'not-found';
      const again = running.get(id);
      if (again) {
        again.abort.abort(reason);
        return 'aborting';
      }
      // Not running here: its host (another, on a shared store) finds the mark and aborts it.
      if (row.status === 'running') return (await store.requestCancel(id, reason)) ? 'requested' : 'already-ended';
      if (row.status !== 'queued' || !(await store.endQueued(id, 'cancelled', reason))) return 'already-ended';
      queues.get(row.agent)?.remove(id);
      onEvent({ type: 'task_ended', id, agent: row.agent, status: 'cancelled', reason, exit_code: null, duration_ms: 0 });
      return 'cancelled';
    },
    abortRun(id, reason) {
      const live = running.get(id);
      live?.abort.abort(reason);
      return live !== undefined;
    },
    busy: () => [...running.values()].map((r) => r.task),
    queued: () => [...queues.values()].reduce((n, q) => n + q.size, 0),
    hold() {
      held = true;
    },
    release() {
      held = false;
      for (const agent of queues.keys()) startNext(agent);
    },
    whenIdle() {
      if (running.size === 0 && claiming.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async abortAll(reason) {
      abortedWith = reason;
      const all = [...running.values()];
      for (const r of all) r.abort.abort(reason);
      await Promise.all(all.map((r) => r.done));
    },
    activity: () => activity,
  };
}
