/**
 * The drain's wait: until nothing is in flight, the deadline passes, or a second signal
 * escalates. Plain mode waits up to the plan's drainMs with a STATUS= countdown each second;
 * extend mode waits while the extender keeps the stop deadline ahead of the tail.
 */
import type { Clock } from '../runtime.js';
import type { Timers } from '../timers.js';
import type { DrainPlan } from './budget.js';
import type { DrainableWork } from './drain.js';

/** An extension loop (extend mode); `extendedUntilMs` is the current stop deadline, monotonic ms. */
export interface Extension {
  /** Stop sending extensions. */
  stop(): void;
  /** The kill deadline as extended so far, monotonic ms. */
  extendedUntilMs(): number;
}

/** What {@link waitForDrain} needs. */
export interface WaitDeps {
  plan: DrainPlan;
  clock: Clock;
  timers: Timers;
  work: DrainableWork;
  status(text: string): void;
  startExtension?(progress: () => boolean, describe: (remainingMs: number) => string): Extension;
  /** When the stop began, monotonic ms. */
  t0: number;
  /** Resolves on a second signal. */
  escalated: Promise<void>;
  /** The countdown text for STATUS=. */
  describe(remainingMs: number): string;
}

const TICK_MS = 1000;

/** Wait for the in-flight set to empty (true), or the deadline or an escalation (false). */
export async function waitForDrain(deps: WaitDeps): Promise<boolean> {
  const { clock, plan, work, timers, t0 } = deps;
  if (work.busy().length === 0) return true;
  const idle = work.whenIdle().then(() => 'idle' as const);
  const stop = deps.escalated.then(() => 'escalated' as const);
  const extension = plan.mode === 'extend' && deps.startExtension ? deps.startExtension(stallWatch(deps), deps.describe) : null;
  try {
    for (;;) {
      const deadline = extension ? Math.min(t0 + plan.capMs, extension.extendedUntilMs()) - plan.tailMs : t0 + plan.drainMs;
      const wait = deadline - clock.monotonic();
      if (wait <= 0) return false;
      let handle: unknown;
      const tick = new Promise<'tick'>((resolve) => {
        handle = timers.setTimeout(() => resolve('tick'), Math.min(wait, TICK_MS));
      });
      const outcome = await Promise.race([idle, stop, tick]);
      timers.clearTimeout(handle);
      if (outcome === 'idle') return true;
      if (outcome === 'escalated') return false;
      if (!extension) deps.status(deps.describe(t0 + plan.drainMs - clock.monotonic()));
    }
  } finally {
    extension?.stop();
  }
}

// Extend mode: progressing while some task settled or wrote output within the stall window.
function stallWatch(deps: WaitDeps): () => boolean {
  const { clock, work, plan } = deps;
  let last = work.activity();
  let movedAt = clock.monotonic();
  return () => {
    const now = work.activity();
    if (now !== last) {
      last = now;
      movedAt = clock.monotonic();
    }
    return clock.monotonic() - movedAt < plan.stallMs;
  };
}
