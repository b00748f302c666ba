/**
 * Keeping a running task's lease on a shared store: renew it every `renewMs`; when the store says
 * another host took it, stop the run (`lease-lost`). With `leaseMs`, the run also stops on a
 * deadline timer of its own once the lease may run out before the next renewal could answer, so a
 * renewal that never answers (a network that drops packets) stops it too: two hosts must not run a
 * task at once.
 */
import type { Clock } from '../runtime.js';
import type { Timers } from '../timers.js';
import type { TaskStore } from './store.js';
import type { TaskRow } from './types.js';

/** The abort reason of a run whose lease was lost (taken, or about to run out): its result is not recorded. */
export const LEASE_LOST = 'lease-lost';

/**
 * How long before its lease runs out (counted from the last renewal that held) a run whose
 * renewals have not answered is stopped: one renewal period, but never so much that the deadline
 * comes before the next renewal has had time to answer (half of what is left of the lease after
 * it), else a `lease_renew_ms` of half `lease_ms` or more would stop every run on a healthy network.
 */
export function deadlineMarginMs(leaseMs: number, renewMs: number): number {
  return Math.min(renewMs, (leaseMs - renewMs) / 2);
}

/** What {@link keepLease} works with. */
export interface LeaseKeeperDeps {
  /** The store the renewals go to. */
  store: Pick<TaskStore, 'renew'>;
  /** Monotonic time for the deadline. */
  clock: Clock;
  /** Told why a run stops, and of each failed renewal. */
  onError: (message: string) => void;
  /** Renew every `renewMs` on `timers`; `leaseMs` (a shared store) arms the deadline. */
  lease: { timers: Timers; renewMs: number; leaseMs?: number };
}

/** Keep `row`'s lease while its run lasts, aborting `abort` with {@link LEASE_LOST} when it is lost; returns the stop. The lease counts from `claimSentAt`. */
export function keepLease(deps: LeaseKeeperDeps, row: TaskRow, abort: AbortController, claimSentAt: number): () => void {
  const { store, clock, onError, lease } = deps;
  let handle: unknown;
  let deadline: unknown;
  let stopped = false;
  // When the last renewal that held was sent (the claim, at first): the store's expiry is at least leaseMs after it.
  let heldFrom = claimSentAt;
  const stop = () => {
    stopped = true;
    lease.timers.clearTimeout(handle);
    lease.timers.clearTimeout(deadline);
  };
  const lose = (message: string) => {
    onError(message);
    stop();
    abort.abort(LEASE_LOST);
  };
  const armDeadline = () => {
    if (lease.leaseMs === undefined) return;
    const leaseMs = lease.leaseMs;
    lease.timers.clearTimeout(deadline);
    deadline = lease.timers.setTimeout(
      () => {
        if (stopped) return;
        const unrenewedMs = clock.monotonic() - heldFrom;
        lose(
          `task ${row.id}: its lease was not renewed for ${Math.round(unrenewedMs)} ms and runs out within ${Math.round(leaseMs - unrenewedMs)} ms, when another host may take it; stopping the run`,
        );
      },
      Math.max(0, heldFrom + leaseMs - deadlineMarginMs(leaseMs, lease.renewMs) - clock.monotonic()),
    );
  };
  const schedule = () => {
    handle = lease.timers.setTimeout(() => {
      const sentAt = clock.monotonic();
      store.renew(row.id, row.fence).then(
        (held) => {
          if (stopped) return;
          if (!held) return lose(`task ${row.id}: its lease was taken by another host; stopping the run`);
          heldFrom = sentAt;
          armDeadline();
          schedule();
        },
        (error: unknown) => {
          if (stopped) return;
          // The database is away: keep the run and try again, until the deadline says the lease may run out.
          onError(`could not renew the lease of task ${row.id}: ${(error as Error).message}`);
          schedule();
        },
      );
    }, lease.renewMs);
  };
  armDeadline();
  schedule();
  return stop;
}
