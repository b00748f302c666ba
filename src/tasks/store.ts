/** The task store over SQLite: insert, transition and query `task_history` rows. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../runtime.js';
import type { Database } from './db.js';
import type { TaskRow, TaskStatus } from './types.js';
import { createTaskPager, type TaskPage, type TaskPageQuery } from './page.js';

export type { TaskPage, TaskPageQuery } from './page.js';

/** A new task to enqueue. */
export interface NewTask {
  agent: string;
  payload: unknown;
  source?: string;
  dedupeKey?: string | null;
}

/** How a running task ended. */
export interface TaskEnd {
  status: Exclude<TaskStatus, 'queued' | 'running'>;
  reason: string | null;
  exitCode: number | null;
  output?: string | null;
}

/** Result of {@link TaskStore.enqueue}: the row, and whether it already existed (a replay). */
export interface EnqueueResult {
  row: TaskRow;
  duplicate: boolean;
}

/** Operations on `task_history`. */
export interface TaskStore {
  /** Insert a queued task (or return the existing one for a replayed dedupe key). */
  enqueue(task: NewTask): EnqueueResult;
  /** One row by id. */
  get(id: string): TaskRow | undefined;
  /** Rows in a status, oldest first. */
  list(status: TaskStatus, limit?: number): TaskRow[];
  /** Rows newest first (by seq), optionally filtered by status, a page at a time (keyset on the seq index). */
  page(query: TaskPageQuery): TaskPage;
  /** queued → running, recording the pid. False if the row was not queued. */
  markRunning(id: string, pid: number | null, pidStart: number | null): boolean;
  /** Record the pid once the process is spawned. */
  setPid(id: string, pid: number, pidStart: number | null): void;
  /** running → terminal. False if the row was not running. */
  finish(id: string, end: TaskEnd): boolean;
  /** queued → cancelled (or failed). False if it was not queued. */
  endQueued(id: string, status: 'cancelled' | 'failed', reason: string): boolean;
  /** Queue a new attempt of `row`; returns the new row. Idempotent per row. */
  retry(row: TaskRow): TaskRow;
  /** Count rows per status. */
  counts(): Record<TaskStatus, number>;
  /** A cheap query proving the store answers. */
  ping(): boolean;
  /** Fold the WAL into the main file (PASSIVE: what it can without waiting; TRUNCATE: all, and empty the WAL). */
  checkpoint(mode?: 'PASSIVE' | 'TRUNCATE'): void;
}

/** Build a {@link TaskStore} over an open database. */
export function createTaskStore(db: Database, clock: Clock): TaskStore {
  const iso = () => new Date(clock.now()).toISOString();
  const nextSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM task_history');
  const insert = db.prepare(`INSERT INTO task_history (id, root_id, agent, payload, status, attempt, retry_of, source, dedupe_key, seq, created_at)
    VALUES (@id, @root_id, @agent, @payload, 'queued', @attempt, @retry_of, @source, @dedupe_key, @seq, @created_at)`);
  const byId = db.prepare('SELECT * FROM task_history WHERE id = ?');
  const byKey = db.prepare('SELECT * FROM task_history WHERE dedupe_key = ?');
  const byStatus = db.prepare('SELECT * FROM task_history WHERE status = ? ORDER BY seq LIMIT ?');
  const toRunning = db.prepare("UPDATE task_history SET status = 'running', started_at = ?, pid = ?, pid_start = ? WHERE id = ? AND status = 'queued'");
  const pidSet = db.prepare('UPDATE task_history SET pid = ?, pid_start = ? WHERE id = ?');
  const toEnd = db.prepare("UPDATE task_history SET status = ?, reason = ?, exit_code = ?, output = ?, ended_at = ? WHERE id = ? AND status = 'running'");
  const queuedEnd = db.prepare("UPDATE task_history SET status = ?, reason = ?, ended_at = ? WHERE id = ? AND status = 'queued'");
  const linkRetry = db.prepare('UPDATE task_history SET retried_as = ? WHERE id = ? AND retried_as IS NULL');
  const countAll = db.prepare('SELECT status, COUNT(*) AS n FROM task_history GROUP BY status');

  const page = createTaskPager(db);

  const insertRow = (agent: string, payload: string, attempt: number, rootId: string | null, retryOf: string | null, source: string, dedupeKey: string | null): TaskRow => {
    const id = randomUUID();
    const { n } = nextSeq.get() as { n: number };
    insert.run({ id, root_id: rootId ?? id, agent, payload, attempt, retry_of: retryOf, source, dedupe_key: dedupeKey, seq: n, created_at: iso() });
    return byId.get(id) as TaskRow;
  };

  return {
    enqueue: (task) => db.transaction((): EnqueueResult => {
      if (task.dedupeKey) {
        const existing = byKey.get(task.dedupeKey) as TaskRow | undefined;
        if (existing) return { row: existing, duplicate: true };
      }
      return { row: insertRow(task.agent, JSON.stringify(task.payload ?? null), 1, null, null, task.source ?? 'http', task.dedupeKey ?? null), duplicate: false };
    })(),
    get: (id) => byId.get(id) as TaskRow | undefined,
    list: (status, limit = 1_000_000) => byStatus.all(status, limit) as TaskRow[],
    page,
    markRunning: (id, pid, pidStart) => toRunning.run(iso(), pid, pidStart, id).changes === 1,
    setPid: (id, pid, pidStart) => { pidSet.run(pid, pidStart, id); },
    finish: (id, end) => toEnd.run(end.status, end.reason, end.exitCode, end.output ?? null, iso(), id).changes === 1,
    endQueued: (id, status, reason) => queuedEnd.run(status, reason, iso(), id).changes === 1,
    retry: (row) => db.transaction((): TaskRow => {
      const fresh = byId.get(row.id) as TaskRow;
      if (fresh.retried_as) return byId.get(fresh.retried_as) as TaskRow;
      const next = insertRow(fresh.agent, fresh.payload, fresh.attempt + 1, fresh.root_id, fresh.id, fresh.source, null);
      linkRetry.run(next.id, fresh.id);
      return next;
    })(),
    counts: () => {
      const out: Record<TaskStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, crashed: 0 };
      for (const r of countAll.all() as { status: TaskStatus; n: number }[]) out[r.status] = r.n;
      return out;
    },
    ping: () => (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1,
    checkpoint: (mode = 'TRUNCATE') => { db.pragma(`wal_checkpoint(${mode})`); },
  };
}
