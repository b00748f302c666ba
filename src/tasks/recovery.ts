/**
 * Crash recovery at boot: rows left `running` by a crash become `crashed`; with requeue on,
 * crashed and shutdown-cancelled tasks get a new queued attempt. Nothing is left `running`.
 */
import type { Database } from './db.js';
import type { TaskStore } from './store.js';
import type { TaskRow } from './types.js';

/** What recovery did. */
export interface RecoveryReport {
  /** Ids of rows that were `running` and are now `crashed`. */
  crashed: string[];
  /** New attempts queued: `[oldId, newId]`. */
  requeued: Array<[string, string]>;
}

/** Run crash recovery. Safe to run at every boot; it only touches rows that need it. */
export function recoverAtBoot(db: Database, store: TaskStore, options: { requeue: boolean; now: string }): RecoveryReport {
  return db.transaction((): RecoveryReport => {
    const stuck = db.prepare("SELECT id FROM task_history WHERE status = 'running'").all() as { id: string }[];
    db.prepare("UPDATE task_history SET status = 'crashed', reason = 'crash', ended_at = ? WHERE status = 'running'").run(options.now);
    const requeued: Array<[string, string]> = [];
    if (options.requeue) {
      const candidates = db.prepare(`SELECT * FROM task_history WHERE retried_as IS NULL
        AND (status = 'crashed' OR (status = 'cancelled' AND reason = 'shutdown')) ORDER BY seq`).all() as TaskRow[];
      for (const row of candidates) requeued.push([row.id, store.retry(row).id]);
    }
    return { crashed: stuck.map((r) => r.id), requeued };
  })();
}
