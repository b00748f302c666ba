/**
 * Crash recovery at boot: rows left `running` by a crash become `crashed`; with requeue on,
 * crashed and shutdown-cancelled tasks get a new queued attempt. Nothing is left `running`.
 * Each step is idempotent, so a crash during recovery is recovered by the next boot.
 */
import type { TaskStore } from './store.js';

/** What recovery did. */
export interface RecoveryReport {
  /** Ids of rows that were `running` and are now `crashed`. */
  crashed: string[];
  /** New attempts queued: `[oldId, newId]`. */
  requeued: Array<[string, string]>;
}

/** Run crash recovery. Safe to run at every boot; it only touches rows that need it. */
export async function recoverAtBoot(store: TaskStore, options: { requeue: boolean }): Promise<RecoveryReport> {
  const crashed = await store.crashRunning();
  const requeued: Array<[string, string]> = [];
  if (options.requeue) {
    for (const row of await store.listRetryable()) requeued.push([row.id, (await store.retry(row)).id]);
  }
  return { crashed, requeued };
}
