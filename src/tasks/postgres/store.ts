/**
 * The task store port over PostgreSQL (`pg`, pooled), shared by several hosts. Claims take the
 * row with `FOR UPDATE SKIP LOCKED`, so two hosts never wait on each other for one task; each
 * claim records its host, bumps the fencing token and grants a lease that the host renews.
 * A host that lost its lease can neither renew nor finish: it must kill its run.
 */
import { nodeCrypto } from '../../lazy-crypto.js';
import type { Pool, QueryConfig } from 'pg';
import type { Clock } from '../../runtime.js';
import { TASK_STATUSES, type TaskStatus } from '../../vocabulary.js';
import { LEASE_DEFAULTS } from '../../config/defaults.js';
import { type AgentRow, type HostRow, type StoreOptions, type TaskStore } from '../store.js';
import type { TaskRow } from '../types.js';
import { postgresAgents } from './agents.js';
import { postgresPage } from './page.js';
import { inTransaction, openPool, type Queryable } from './pool.js';
import { CANCEL_CHANNEL, migratePostgres, QUEUED_CHANNEL } from './migrations.js';
import { listenChannel } from './listen.js';
import { realTimers } from '../../timers.js';
import { prepared } from './prepared.js';
import { postgresEventLog } from './event-log.js';
import { storableEnd } from '../storable-text.js';

/** The columns of a {@link TaskRow}, in the order the API shows them. */
export const TASK_COLUMNS = `id, root_id, agent, payload, status, reason, attempt, retry_of, retried_as, exit_code, pid, pid_start,
  source, dedupe_key, output, seq, created_at, started_at, ended_at, host, fence, cancel_requested`;

// A crashed or shutdown-cancelled row without a next attempt, that nobody asked to cancel, is retried.
const RETRYABLE = `retried_as IS NULL AND cancel_requested IS NULL
  AND (status = 'crashed' OR (status = 'cancelled' AND reason = 'shutdown'))`;

// The statements of every task's way through the store, prepared once per connection.
const INSERT = prepared(
  'insert',
  `INSERT INTO task_history (id, root_id, agent, payload, status, attempt, retry_of, source, dedupe_key, created_at)
   VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING RETURNING ${TASK_COLUMNS}`,
);
const CLAIM = prepared(
  'claim',
  `UPDATE task_history SET status = 'running', started_at = $1, host = $2, fence = fence + 1, lease_until = $3
   WHERE id = (SELECT id FROM task_history WHERE id = $4 AND status = 'queued' FOR UPDATE SKIP LOCKED)
   RETURNING ${TASK_COLUMNS}`,
);
const SET_PID = prepared('set_pid', 'UPDATE task_history SET pid = $1, pid_start = $2 WHERE id = $3');
const FINISH = prepared(
  'finish',
  `UPDATE task_history SET status = $1, reason = $2, exit_code = $3, output = $4, ended_at = $5, lease_until = NULL
   WHERE id = $6 AND status = 'running' AND ($7::bigint IS NULL OR (fence = $7 AND host = $8))`,
);

/** Open the store at `url` (no password in it), migrate it, and build the port over its pool. */
export async function openPostgresStore(url: string, clock: Clock, options: StoreOptions = {}): Promise<TaskStore> {
  const pool = await openPool(url, { password: options.password, ...(options.onError ? { onError: options.onError } : {}) });
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return createPostgresStore(pool, clock, options);
}

/** Build a {@link TaskStore} over a migrated pool; `close()` ends the pool. */
export function createPostgresStore(pool: Pool, clock: Clock, options: StoreOptions = {}): TaskStore {
  const hostId = options.hostId ?? 'local';
  const leaseMs = options.leaseMs ?? LEASE_DEFAULTS.leaseMs;
  const iso = (): string => new Date(clock.now()).toISOString();
  const one = async (db: Queryable, sql: string | QueryConfig, values?: unknown[]): Promise<TaskRow | undefined> =>
    (await db.query<TaskRow>(sql, values)).rows[0];
  const byId = (db: Queryable, id: string) => one(db, `SELECT ${TASK_COLUMNS} FROM task_history WHERE id = $1`, [id]);
  const insert = (
    db: Queryable,
    t: {
      agent: string;
      payload: string;
      attempt: number;
      rootId: string | null;
      retryOf: string | null;
      source: string;
      dedupeKey: string | null;
    },
  ) => {
    const id = nodeCrypto().randomUUID();
    return one(db, INSERT([id, t.rootId ?? id, t.agent, t.payload, t.attempt, t.retryOf, t.source, t.dedupeKey, iso()]));
  };
  const agents = postgresAgents(pool);
  const events = postgresEventLog(pool, iso);
  let closed = false;

  return {
    enqueue: async (task) => {
      const t = { agent: task.agent, payload: JSON.stringify(task.payload ?? null), attempt: 1, rootId: null, retryOf: null };
      const dedupeKey = task.dedupeKey ?? null;
      const row = await insert(pool, { ...t, source: task.source ?? 'http', dedupeKey });
      if (row) return { row, duplicate: false };
      // ON CONFLICT waited for the other insert of this key to commit: its row is there now.
      const existing = await one(pool, `SELECT ${TASK_COLUMNS} FROM task_history WHERE dedupe_key = $1`, [dedupeKey]);
      if (!existing) throw new Error(`dedupe key ${String(dedupeKey)} conflicted, but its row is gone`);
      return { row: existing, duplicate: true };
    },
    get: (id) => byId(pool, id),
    list: async (status, limit = 1_000_000) =>
      (await pool.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM task_history WHERE status = $1 ORDER BY seq LIMIT $2`, [status, limit])).rows,
    listQueued: async (agents) =>
      agents.length === 0
        ? []
        : (
            await pool.query<TaskRow>(
              `SELECT ${TASK_COLUMNS} FROM task_history WHERE status = 'queued' AND agent = ANY($1::text[]) ORDER BY seq`,
              [[...agents]],
            )
          ).rows,
    page: (query) => postgresPage(pool, TASK_COLUMNS, query),
    claim: (id) => one(pool, CLAIM([iso(), hostId, clock.now() + leaseMs, id])),
    renew: async (id, fence) =>
      (
        await pool.query(
          // A late renewal still holds while no other host reclaimed the row: the lease is lost only when taken.
          `UPDATE task_history SET lease_until = $1 WHERE id = $2 AND fence = $3 AND host = $4 AND status = 'running'`,
          [clock.now() + leaseMs, id, fence, hostId],
        )
      ).rowCount === 1,
    setPid: async (id, pid, pidStart) => {
      await pool.query(SET_PID([pid, pidStart, id]));
    },
    finish: async (id, end, fence) => {
      const { output, reason } = storableEnd(end);
      return (await pool.query(FINISH([end.status, reason, end.exitCode, output, iso(), id, fence ?? null, hostId]))).rowCount === 1;
    },
    requestCancel: async (id, reason) =>
      (
        await pool.query(
          // The mark and the NOTIFY to the row's host commit together.
          `WITH marked AS (
             UPDATE task_history SET cancel_requested = COALESCE(cancel_requested, $1) WHERE id = $2 AND status = 'running' RETURNING host
           ) SELECT pg_notify('${CANCEL_CHANNEL}', COALESCE(host, '')) FROM marked`,
          [reason, id],
        )
      ).rowCount === 1,
    cancelRequests: async () =>
      (
        await pool.query<TaskRow>(
          `SELECT ${TASK_COLUMNS} FROM task_history WHERE status = 'running' AND host = $1 AND cancel_requested IS NOT NULL ORDER BY seq`,
          [hostId],
        )
      ).rows,
    // A cancel mark names the host that runs the task; after a lost connection, re-read the marks.
    watchCancels: (onRequested) =>
      listenChannel(pool, options.timers ?? realTimers, CANCEL_CHANNEL, {
        onPayload: (host) => host === hostId && onRequested(),
        onResumed: onRequested,
        ...(options.onError ? { onError: options.onError } : {}),
      }),
    endQueued: async (id, status, reason) =>
      (
        await pool.query(`UPDATE task_history SET status = $1, reason = $2, ended_at = $3 WHERE id = $4 AND status = 'queued'`, [
          status,
          reason,
          iso(),
          id,
        ])
      ).rowCount === 1,
    retry: (row) =>
      inTransaction(pool, async (client) => {
        const fresh = await one(client, `SELECT ${TASK_COLUMNS} FROM task_history WHERE id = $1 FOR UPDATE`, [row.id]);
        if (!fresh) throw new Error(`task ${row.id} is gone`);
        if (fresh.retried_as) return { row: (await byId(client, fresh.retried_as)) as TaskRow, duplicate: true };
        const next = await insert(client, {
          agent: fresh.agent,
          payload: fresh.payload,
          attempt: fresh.attempt + 1,
          rootId: fresh.root_id,
          retryOf: fresh.id,
          source: fresh.source,
          dedupeKey: null,
        });
        if (!next) throw new Error(`could not queue a new attempt of task ${row.id}`);
        await client.query('UPDATE task_history SET retried_as = $1 WHERE id = $2', [next.id, fresh.id]);
        return { row: next, duplicate: false };
      }),
    crashRunning: async () =>
      (
        await pool.query<{ id: string }>(
          `UPDATE task_history SET status = 'crashed', reason = 'crash', ended_at = $1, lease_until = NULL
           WHERE status = 'running' AND (host = $2 OR host IS NULL) RETURNING id`,
          [iso(), hostId],
        )
      ).rows.map((r) => r.id),
    reclaimExpired: async () =>
      (
        await pool.query<{ id: string }>(
          `UPDATE task_history SET status = 'crashed', reason = 'lease-expired', ended_at = $1, lease_until = NULL
           WHERE id IN (SELECT id FROM task_history WHERE status = 'running' AND lease_until < $2 FOR UPDATE SKIP LOCKED) RETURNING id`,
          [iso(), clock.now()],
        )
      ).rows.map((r) => r.id),
    leftovers: async () =>
      (
        await pool.query<TaskRow>(
          `SELECT ${TASK_COLUMNS} FROM task_history WHERE host = $1
           AND (status = 'running' OR (status = 'crashed' AND reason = 'lease-expired' AND pid IS NOT NULL)) ORDER BY seq`,
          [hostId],
        )
      ).rows,
    watchQueued: (onQueued, onResumed) =>
      listenChannel(pool, options.timers ?? realTimers, QUEUED_CHANNEL, {
        onPayload: (agent) => agent !== '' && onQueued(agent),
        ...(onResumed ? { onResumed } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      }),
    heartbeat: async () => {
      await pool.query('INSERT INTO hosts (id, seen_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at', [
        hostId,
        clock.now(),
      ]);
    },
    hosts: async () => (await pool.query<HostRow>('SELECT id, seen_at FROM hosts ORDER BY seen_at DESC, id')).rows,
    listRetryable: async () => (await pool.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM task_history WHERE ${RETRYABLE} ORDER BY seq`)).rows,
    exhaust: async (id) =>
      (await pool.query(`UPDATE task_history SET status = 'failed', reason = 'attempts-exhausted' WHERE id = $1 AND ${RETRYABLE}`, [id]))
        .rowCount === 1,
    attempts: async (rootId) =>
      (await pool.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM task_history WHERE root_id = $1 ORDER BY attempt, seq`, [rootId])).rows,
    appendEvent: (type, data) => events.append(type, data),
    eventsAfter: (id, limit) => events.after(id, limit),
    counts: async () => {
      const out = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
      const { rows } = await pool.query<{ status: TaskStatus; n: number }>(
        'SELECT status, COUNT(*)::int AS n FROM task_history GROUP BY status',
      );
      for (const r of rows) out[r.status] = r.n;
      return out;
    },
    syncAgents: (specs) => agents.sync(specs, iso()),
    listAgents: (): Promise<AgentRow[]> => agents.list(),
    ping: async () => (await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok === 1,
    // The server vacuums on its own (autovacuum): nothing to fold here.
    compact: async () => {},
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
