/**
 * Crash recovery at boot: rows left `running` by a crash become `crashed`; with requeue on,
 * crashed and shutdown-cancelled tasks get a new queued attempt, until a task has run
 * `maxAttempts` times in all; then its last attempt ends `failed/attempts-exhausted`.
 * Nothing is left `running`. Each step is idempotent, so a crash during recovery is
 * recovered by the next boot.
 */
import type { TaskStore } from './store.js';
import type { TaskRow } from './types.js';

/** What recovery did. */
export interface RecoveryReport {
  /** Ids of rows that were `running` and are now `crashed`. */
  crashed: string[];
  /** New attempts this call queued: `[oldId, newId]` (not those another host queued first). */
  requeued: Array<[string, string]>;
  /** Ids of last attempts that used up `maxAttempts` and now end `failed/attempts-exhausted`. */
  exhausted: string[];
}

/** Options for {@link recoverAtBoot}. */
export interface RecoveryOptions {
  /** Queue crashed and shutdown-cancelled tasks again. */
  requeue: boolean;
  /** How many times a task may run in all (`shutdown.max_attempts`, at least 1). */
  maxAttempts: number;
  /**
   * Told of each new attempt this host queued, as soon as it is queued (serve announces it:
   * task_queued), before any host can start it. Not told of one another host queued first.
   */
  onRequeued?: (row: TaskRow) => void;
}

/** Run crash recovery. Safe to run at every boot; it only touches rows that need it. */
export async function recoverAtBoot(store: TaskStore, options: RecoveryOptions): Promise<RecoveryReport> {
  const crashed = await store.crashRunning();
  return { crashed, ...(await requeueRetryable(store, options)) };
}

/**
 * Queue a new attempt of every retryable row (this host's crashes, and rows reclaimed from any
 * host after their lease expired), or end it `failed/attempts-exhausted`. Several hosts may run
 * this at once: `retry` and `exhaust` are idempotent per row, and only the host whose call did
 * the work reports it (so a re-queue is announced once).
 */
export async function requeueRetryable(store: TaskStore, options: RecoveryOptions): Promise<Omit<RecoveryReport, 'crashed'>> {
  const requeued: Array<[string, string]> = [];
  const exhausted: string[] = [];
  if (!options.requeue) return { requeued, exhausted };
  for (const row of await store.listRetryable()) {
    if (row.attempt >= options.maxAttempts) {
      if (await store.exhaust(row.id)) exhausted.push(row.id);
    } else {
      const next = await store.retry(row);
      if (next.duplicate) continue;
      requeued.push([row.id, next.row.id]);
      options.onRequeued?.(next.row);
    }
  }
  return { requeued, exhausted };
}
