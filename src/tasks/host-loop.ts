/**
 * The background duties of one host on a shared store, on injected timers: every `everyMs` it
 * sends its heartbeat, reclaims the expired leases of any host and re-queues (or exhausts)
 * those tasks, and re-reads the queue of its own instances. The queue read is the safety net
 * behind LISTEN/NOTIFY (a dropped connection, a missed wake-up), so it never runs faster than
 * once a second.
 */
import type { Timers } from '../timers.js';
import { requeueRetryable, type RecoveryOptions } from './recovery.js';
import type { TaskStore } from './store.js';
import type { TaskRow } from './types.js';

/** The slowest the queue may be polled: at most once a second. */
export const MIN_POLL_MS = 1_000;

/** Options for {@link startHostLoop}. */
export interface HostLoopOptions {
  /** The shared store. */
  store: TaskStore;
  /** Timers (fake in tests). */
  timers: Timers;
  /** How often the loop runs (clamped to at least {@link MIN_POLL_MS}). */
  everyMs: number;
  /** Attempt counting of the re-queue (`shutdown.requeue`, `shutdown.max_attempts`). */
  recovery: RecoveryOptions;
  /** Instances this host runs: their queued rows are offered to `onQueued`. */
  agents: ReadonlySet<string>;
  /** A queued row of one of `agents` (the dispatcher's submit ignores one it already has). */
  onQueued: (row: TaskRow) => void;
  /**
   * Told what was reclaimed: the expired ids, the `[expiredId, newId]` pairs this host's call
   * queued (another host's loop may have queued some first) and the exhausted ids.
   */
  onReclaimed?: (reclaimed: string[], requeued: Array<[string, string]>, exhausted: string[]) => void;
  /** Told about a failed round (the database away); the loop goes on. */
  onError?: (message: string) => void;
}

/**
 * One round: heartbeat, reclaim, re-queue, offer the queue. A reclaim leaves its rows `crashed`
 * until the re-queue has run: when the re-queue fails (the database went away in between), the
 * rows are kept in `owed` and the next round re-queues them, though it reclaims nothing new.
 * Exported for tests.
 */
export async function hostRound(options: HostLoopOptions, owed: Set<string> = new Set()): Promise<void> {
  const { store } = options;
  await store.heartbeat();
  for (const id of await store.reclaimExpired()) owed.add(id);
  if (owed.size > 0) {
    const { requeued, exhausted } = await requeueRetryable(store, options.recovery);
    const reclaimed = [...owed];
    owed.clear();
    options.onReclaimed?.(reclaimed, requeued, exhausted);
  }
  await offerQueued(store, options.agents, options.onQueued);
}

/** Offer every queued row of `agents` to `onQueued`, oldest first (reading only those rows, not every host's queue). */
export async function offerQueued(store: TaskStore, agents: ReadonlySet<string>, onQueued: (row: TaskRow) => void): Promise<void> {
  for (const row of await store.listQueued([...agents])) onQueued(row);
}

/** Start the loop; returns its stop function (idempotent). A round in progress finishes. */
export function startHostLoop(options: HostLoopOptions): () => void {
  const everyMs = Math.max(MIN_POLL_MS, options.everyMs);
  let handle: unknown;
  let stopped = false;
  const owed = new Set<string>();
  const schedule = () => {
    handle = options.timers.setTimeout(() => {
      hostRound(options, owed)
        .catch((error: unknown) => options.onError?.(`host loop: ${(error as Error).message}`))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, everyMs);
  };
  schedule();
  return () => {
    stopped = true;
    options.timers.clearTimeout(handle);
  };
}
