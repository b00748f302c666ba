/**
 * What the dashboard's agents table shows for each container-mode instance: the state of its
 * container on this host, from one fleet read (`docker ps` by service label and one batched
 * `inspect`). Reads are shared: calls during a read, or within `maxAgeMs` after it, get its
 * answer, so a page load and `hooksctl status` at once cost one read; a read is time-boxed.
 */
import type { ContainerEngine } from '../containers/engine.js';
import type { ObservedContainer, RunState } from '../containers/reconcile-plan.js';
import type { Clock, Env } from '../runtime.js';
import type { Timers } from '../timers.js';
import { timeoutSignal } from '../timeout-signal.js';

/** The containers' state by instance name; an instance with no container is absent. */
export type ContainerStates = () => Promise<ReadonlyMap<string, RunState>>;

/** Options for {@link createContainerStates}. */
export interface ContainerStatesOptions {
  /** One fleet read (observeFleet over the engine), aborted by `signal`. */
  read(signal: AbortSignal): Promise<ObservedContainer[]>;
  /** Clock for the answer's age. */
  clock: Clock;
  /** Timers for the read's time limit. */
  timers: Timers;
  /** How long an answer is reused, ms (default 2000). */
  maxAgeMs?: number;
  /** How long one read may take before it fails, ms (default 5000). */
  timeoutMs?: number;
}

// When an instance has more than one container (a leftover the reconcile has not removed yet), the liveliest one counts.
const RANK: Readonly<Record<RunState, number>> = { running: 2, paused: 1, stopped: 0 };

/** Fold observed containers into one state per instance. */
export function statesByInstance(observed: readonly ObservedContainer[]): Map<string, RunState> {
  const out = new Map<string, RunState>();
  for (const c of observed) {
    if (c.instance === null) continue;
    const seen = out.get(c.instance);
    if (seen === undefined || RANK[c.state] > RANK[seen]) out.set(c.instance, c.state);
  }
  return out;
}

/** Build the shared, time-boxed read of the containers' states. A failed read rejects (the caller says "unavailable"). */
export function createContainerStates(options: ContainerStatesOptions): ContainerStates {
  const maxAgeMs = options.maxAgeMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let cached: { doneAt: number | null; answer: Promise<ReadonlyMap<string, RunState>> } | null = null;
  return () => {
    if (cached !== null && (cached.doneAt === null || options.clock.monotonic() - cached.doneAt < maxAgeMs)) return cached.answer;
    const entry: NonNullable<typeof cached> = {
      doneAt: null,
      answer: options.read(timeoutSignal(options.timers, timeoutMs)).then(statesByInstance),
    };
    cached = entry;
    entry.answer.then(
      () => {
        entry.doneAt = options.clock.monotonic();
      },
      // A failed read is not reused: the next call tries again.
      () => {
        if (cached === entry) cached = null;
      },
    );
    return entry.answer;
  };
}

/** The real read for `serve`: the engine (`docker`, or HOOKS_CONTAINER_ENGINE) loaded at the first call, the fleet labelled `serviceName`. */
export function fleetContainerStates(serviceName: string, env: Env, clock: Clock, timers: Timers): ContainerStates {
  let engine: ContainerEngine | undefined;
  return createContainerStates({
    clock,
    timers,
    read: async (signal) => {
      const [{ createEngine }, { observeFleet }] = await Promise.all([
        import('../containers/engine.js'),
        import('../containers/observe.js'),
      ]);
      engine ??= createEngine({ env });
      return observeFleet(engine, serviceName, signal);
    },
  });
}
