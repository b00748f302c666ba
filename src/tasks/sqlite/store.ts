/** The task store port over embedded SQLite (better-sqlite3, WAL): the default backend. */
import { nodeCrypto } from '../../lazy-crypto.js';
import type { Clock } from '../../runtime.js';
import { TASK_STATUSES, type TaskStatus } from '../../vocabulary.js';
import type { AgentRow, AgentSync, EnqueueResult, RetryResult, StoreOptions, TaskStore } from '../store.js';
import type { TaskRow } from '../types.js';
import { openDatabase, type Database } from './db.js';
import { sqliteAgents } from './agents.js';
import { createTaskPager } from './page.js';
import { sqliteEvents } from './events.js';
import { storableEnd } from '../storable-text.js';

/** Open (creating and migrating) the SQLite store at `path` (`:memory:` for a private one). */
export async function openSqliteStore(path: string, clock: Clock, options: StoreOptions = {}): Promise<TaskStore> {
  return createSqliteStore(await openDatabase(path), clock, options);
}

/** Build a {@link TaskStore} over an open, migrated database; `close()` closes it. */
export function createSqliteStore(db: Database, clock: Clock, options: StoreOptions = {}): TaskStore {
  const hostId = options.hostId ?? 'local';
  const iso = (): string => new Date(clock.now()).toISOString();
  const q = statements(db);
  const agents = sqliteAgents(db);
  const pager = createTaskPager(db);
  const events = sqliteEvents(db);

  const insertRow = (
    agent: string,
    payload: string,
    attempt: number,
    rootId: string | null,
    retryOf: string | null,
    source: string,
    dedupeKey: string | null,
  ): TaskRow => {
    const id = nodeCrypto().randomUUID();
    const { n } = q.nextSeq.get() as { n: number };
    q.insert.run({
      id,
      root_id: rootId ?? id,
      agent,
      payload,
      attempt,
      retry_of: retryOf,
      source,
      dedupe_key: dedupeKey,
      seq: n,
      created_at: iso(),
    });
    return q.byId.get(id) as TaskRow;
  };
  const enqueue = db.transaction((agent: string, payload: string, source: string, dedupeKey: string | null): EnqueueResult => {
    const existing = dedupeKey ? (q.byKey.get(dedupeKey) as TaskRow | undefined) : undefined;
    if (existing) return { row: existing, duplicate: true };
    return { row: insertRow(agent, payload, 1, null, null, source, dedupeKey), duplicate: false };
  });
  const retry = db.transaction((id: string): RetryResult => {
    const fresh = q.byId.get(id) as TaskRow;
    if (fresh.retried_as) return { row: q.byId.get(fresh.retried_as) as TaskRow, duplicate: true };
    const next = insertRow(fresh.agent, fresh.payload, fresh.attempt + 1, fresh.root_id, fresh.id, fresh.source, null);
    q.linkRetry.run(next.id, fresh.id);
    return { row: next, duplicate: false };
  });
  const crashRunning = db.transaction((): string[] => {
    const ids = (q.runningIds.all() as { id: string }[]).map((r) => r.id);
    q.crashAll.run(iso());
    return ids;
  });
  let closed = false;
  let seen: number | null = null;
  // One file, one process: the host running a row is this one, told in-process.
  const cancelWatchers = new Set<() => void>();

  return {
    enqueue: async (task) => enqueue(task.agent, JSON.stringify(task.payload ?? null), task.source ?? 'http', task.dedupeKey ?? null),
    get: async (id) => q.byId.get(id) as TaskRow | undefined,
    list: async (status, limit = 1_000_000) => q.byStatus.all(status, limit) as TaskRow[],
    listQueued: async (agents) => (agents.length === 0 ? [] : (q.queuedOf.all(JSON.stringify(agents)) as TaskRow[])),
    page: async (query) => pager(query),
    claim: async (id) => (q.claim.run(iso(), hostId, id).changes === 1 ? (q.byId.get(id) as TaskRow) : undefined),
    // One file is one host: a lease cannot be taken over, so it holds while the row runs with that fence.
    renew: async (id, fence) => q.holds.get(id, fence) !== undefined,
    setPid: async (id, pid, pidStart) => {
      q.pidSet.run(pid, pidStart, id);
    },
    finish: async (id, end, fence) => {
      if (fence !== undefined && q.holds.get(id, fence) === undefined) return false;
      const { output, reason } = storableEnd(end);
      return q.toEnd.run(end.status, reason, end.exitCode, output, iso(), id).changes === 1;
    },
    requestCancel: async (id, reason) => {
      if (q.markCancel.run(reason, id).changes !== 1) return false;
      for (const w of cancelWatchers) w();
      return true;
    },
    cancelRequests: async () => q.cancelRequests.all(hostId) as TaskRow[],
    watchCancels: async (onRequested) => {
      const watcher = () => onRequested();
      cancelWatchers.add(watcher);
      return async () => void cancelWatchers.delete(watcher);
    },
    endQueued: async (id, status, reason) => q.queuedEnd.run(status, reason, iso(), id).changes === 1,
    retry: async (row) => retry(row.id),
    crashRunning: async () => crashRunning(),
    reclaimExpired: async () => [],
    leftovers: async () => q.byStatus.all('running', 1_000_000) as TaskRow[],
    // One file, one host: its own intake submits every task, so nothing ever arrives from elsewhere.
    watchQueued: async () => async () => {},
    heartbeat: async () => {
      seen = clock.now();
    },
    hosts: async () => (seen === null ? [] : [{ id: hostId, seen_at: seen }]),
    listRetryable: async () => q.retryable.all() as TaskRow[],
    exhaust: async (id) => q.exhaust.run(id).changes === 1,
    attempts: async (rootId) => q.byRoot.all(rootId) as TaskRow[],
    appendEvent: async (type, data) => events.append(type, data, iso()),
    eventsAfter: async (id, limit) => events.after(id, limit),
    counts: async () => {
      const out = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
      for (const r of q.countAll.all() as { status: TaskStatus; n: number }[]) out[r.status] = r.n;
      return out;
    },
    syncAgents: async (specs): Promise<AgentSync> => agents.sync(specs, iso()),
    listAgents: async (): Promise<AgentRow[]> => agents.list(),
    ping: async () => (q.ping.get() as { ok: number }).ok === 1,
    compact: async (mode = 'full') => {
      db.pragma(`wal_checkpoint(${mode === 'idle' ? 'PASSIVE' : 'TRUNCATE'})`);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

// A crashed or shutdown-cancelled row without a next attempt, that nobody asked to cancel, is retried.
const RETRYABLE = `retried_as IS NULL AND cancel_requested IS NULL
  AND (status = 'crashed' OR (status = 'cancelled' AND reason = 'shutdown'))`;

// Every statement the store runs, prepared once.
function statements(db: Database) {
  return {
    nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM task_history'),
    insert:
      db.prepare(`INSERT INTO task_history (id, root_id, agent, payload, status, attempt, retry_of, source, dedupe_key, seq, created_at)
      VALUES (@id, @root_id, @agent, @payload, 'queued', @attempt, @retry_of, @source, @dedupe_key, @seq, @created_at)`),
    byId: db.prepare('SELECT * FROM task_history WHERE id = ?'),
    byKey: db.prepare('SELECT * FROM task_history WHERE dedupe_key = ?'),
    byStatus: db.prepare('SELECT * FROM task_history WHERE status = ? ORDER BY seq LIMIT ?'),
    queuedOf: db.prepare("SELECT * FROM task_history WHERE status = 'queued' AND agent IN (SELECT value FROM json_each(?)) ORDER BY seq"),
    claim: db.prepare(
      "UPDATE task_history SET status = 'running', started_at = ?, host = ?, fence = fence + 1 WHERE id = ? AND status = 'queued'",
    ),
    holds: db.prepare("SELECT 1 FROM task_history WHERE id = ? AND fence = ? AND status = 'running'"),
    pidSet: db.prepare('UPDATE task_history SET pid = ?, pid_start = ? WHERE id = ?'),
    toEnd: db.prepare(
      "UPDATE task_history SET status = ?, reason = ?, exit_code = ?, output = ?, ended_at = ? WHERE id = ? AND status = 'running'",
    ),
    queuedEnd: db.prepare("UPDATE task_history SET status = ?, reason = ?, ended_at = ? WHERE id = ? AND status = 'queued'"),
    linkRetry: db.prepare('UPDATE task_history SET retried_as = ? WHERE id = ? AND retried_as IS NULL'),
    runningIds: db.prepare("SELECT id FROM task_history WHERE status = 'running'"),
    crashAll: db.prepare("UPDATE task_history SET status = 'crashed', reason = 'crash', ended_at = ? WHERE status = 'running'"),
    retryable: db.prepare(`SELECT * FROM task_history WHERE ${RETRYABLE} ORDER BY seq`),
    exhaust: db.prepare(`UPDATE task_history SET status = 'failed', reason = 'attempts-exhausted' WHERE id = ? AND ${RETRYABLE}`),
    markCancel: db.prepare("UPDATE task_history SET cancel_requested = COALESCE(cancel_requested, ?) WHERE id = ? AND status = 'running'"),
    cancelRequests: db.prepare(
      "SELECT * FROM task_history WHERE status = 'running' AND host = ? AND cancel_requested IS NOT NULL ORDER BY seq",
    ),
    byRoot: db.prepare('SELECT * FROM task_history WHERE root_id = ? ORDER BY attempt, seq'),
    countAll: db.prepare('SELECT status, COUNT(*) AS n FROM task_history GROUP BY status'),
    ping: db.prepare('SELECT 1 AS ok'),
  };
}
